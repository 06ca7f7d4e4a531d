import { notFound } from "next/navigation";
import { asEventProduct, findProduct, formatBrl } from "../../../src/catalog";
import { AddToCart } from "./add-to-cart";

export default async function ProductPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const product = findProduct(id);
  if (!product) notFound();
  return (
    <main>
      <h1 data-testid="product-name">{product.name}</h1>
      <p>
        {product.brand} · {product.category}
      </p>
      <p data-testid="product-price">{formatBrl(product.price)}</p>
      <AddToCart product={asEventProduct(product)} />
    </main>
  );
}
