"use client";
import { productListViewed } from "@shop/tracker/ecommerce";
import { useTracker } from "@shop/tracker/react";
import { useEffect, useRef } from "react";

export function ListViewed({ listId, products }: { listId: string; products: Record<string, unknown>[] }) {
  const tracker = useTracker();
  const sent = useRef(false);
  useEffect(() => {
    // StrictMode runs effects twice in development: the list was viewed once.
    if (sent.current) return;
    sent.current = true;
    productListViewed(tracker, { list_id: listId, products });
  }, [tracker, listId, products]);
  return null;
}
