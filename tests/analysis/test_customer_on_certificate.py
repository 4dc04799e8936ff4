"""Who ordered a plate reaches its 3.1 certificate (issue 11.6): the orders CSV's optional
customer, customer_po and customer_item columns, or synthetic ones for generated orders, are
plates.csv columns and the certificate's order block."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from core_support import BASELINE, SCENARIOS

from mill.analysis import certificate_data, load_run
from mill.model.run import run_scenario
from mill.scenario import load_scenario

SHORT = ["run.horizon_days=2.5", "run.warmup_days=0.5"]


def test_orders_csv_customers_reach_plates_and_certificates(tmp_path: Path) -> None:
    """An orders CSV with the optional columns: every plate of an order carries its
    customer, PO and item, and a released plate's certificate shows them."""
    shutil.copy(SCENARIOS / "orders_from_csv.toml", tmp_path / "s.toml")
    orders = pd.read_csv(SCENARIOS / "orders_example.csv", dtype=str)
    orders["customer"] = [f"Mine {i % 3}" for i in range(len(orders))]
    orders["customer_po"] = [f"4500{i:04d}" for i in range(len(orders))]
    orders["customer_item"] = "20"
    orders.to_csv(tmp_path / "orders_example.csv", index=False)
    run_scenario(load_scenario(tmp_path / "s.toml", SHORT), tmp_path / "run")
    plates = pd.read_csv(tmp_path / "run" / "plates.csv", dtype=str, keep_default_na=False)
    ordered = plates[~plates["order_id"].str.startswith("STOCK")]
    merged = ordered.merge(orders, on="order_id", suffixes=("", "_csv"))
    assert len(merged) == len(ordered) > 0
    for col in ("customer", "customer_po", "customer_item"):
        assert (merged[col] == merged[f"{col}_csv"]).all()
    assert (plates.loc[plates["order_id"].str.startswith("STOCK"), "customer"] == "").all()
    run = load_run(tmp_path / "run")
    prime = ordered[ordered["disposition"] == "prime"].iloc[0]
    order = certificate_data(run, prime["plate_id"])["order"]
    row = orders.set_index("order_id").loc[prime["order_id"]]
    assert (order["customer"], order["customer_po"], order["customer_item"]) == (
        row["customer"],
        row["customer_po"],
        "20",
    )


def test_generated_orders_get_synthetic_customers(tmp_path: Path) -> None:
    """Generated orders carry a synthetic customer, PO and item (no random draw: the other
    columns are what they would be without them)."""
    run_scenario(load_scenario(BASELINE, ["run.horizon_days=1.0", "run.warmup_days=0.2"]),
                 tmp_path / "run")  # fmt: skip
    plates = pd.read_csv(tmp_path / "run" / "plates.csv", dtype=str, keep_default_na=False)
    ordered = plates[plates["order_id"].str.startswith("O")]
    assert ordered["customer"].str.match(r"Customer \d\d$").all()
    assert (ordered["customer_po"] == "PO-" + ordered["order_id"].str[1:]).all()
