"""The stage processes of the route: each works on one kind of piece and imports no other
stage (the order is data: ``mill.model.route``)."""
