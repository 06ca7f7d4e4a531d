export default async function OrderConfirmation({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <main>
      <h1>Thank you!</h1>
      <p>
        Your order <strong data-testid="order-id">{id}</strong> is confirmed.
      </p>
    </main>
  );
}
