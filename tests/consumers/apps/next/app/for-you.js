"use client";
import { useEffect } from "react";
import { VitrinProvider, useRecommendations, useVitrin } from "vitrin/react";
import { catalog, profile } from "../../../shared/catalog.js";

const options = { catalog, profile };

function List() {
  const items = useRecommendations({ slot: "for_you", limit: 4 });
  const engine = useVitrin();
  useEffect(() => {
    if (engine) window.__vitrin = { engineReadyMs: performance.now(), count: items.length, where: "next" };
  }, [engine, items.length]);
  return (
    <>
    <button id="view-p1" type="button" onClick={() => engine?.track({ type: "view", productId: "p1" })}>
      View product 1
    </button>
    <ul id="recs" data-engine={engine ? "ready" : "snapshot"}>
      {items.map((r) => (
        <li key={r.productId} data-product-id={r.productId} style={{ height: "2rem" }}>
          {r.productId}: {r.reason.text}
        </li>
      ))}
    </ul>
    </>
  );
}

export default function ForYou({ snapshot }) {
  return (
    <VitrinProvider options={options} snapshot={snapshot}>
      <List />
    </VitrinProvider>
  );
}
