import Link from "next/link";
import { asEventProduct, catalog, formatBrl } from "../src/catalog";
import { ListViewed } from "./list-viewed";

export default function ProductList() {
  return (
    <main>
      <h1>Products</h1>
      <ul data-testid="product-list">
        {catalog.map((p) => (
          <li key={p.product_id}>
            <Link href={`/p/${p.product_id}`} data-testid={`product-link-${p.product_id}`}>
              {p.name}
            </Link>{" "}
            — {formatBrl(p.price)}
          </li>
        ))}
      </ul>
      <ListViewed listId="all" products={catalog.map((p) => asEventProduct(p))} />
    </main>
  );
}
