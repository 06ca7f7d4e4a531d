import Link from "next/link";
import type { ReactNode } from "react";
import { config } from "../src/config";
import { Analytics } from "./analytics";

// The collector's address is read from the environment per request, so pages are rendered on demand.
export const dynamic = "force-dynamic";

export const metadata = { title: "Fleet & Loop — Storefront" };

export default function RootLayout({ children }: { children: ReactNode }) {
  const { collectorUrl, writeKey } = config();
  return (
    <html lang="pt-BR">
      <body style={{ fontFamily: "system-ui, sans-serif", maxWidth: 760, margin: "0 auto", padding: 16 }}>
        <Analytics host={collectorUrl} writeKey={writeKey}>
          <nav style={{ display: "flex", gap: 16, marginBottom: 24 }}>
            <Link href="/" data-testid="nav-home">
              Shop
            </Link>
            <Link href="/cart" data-testid="nav-cart">
              Cart
            </Link>
            <Link href="/signin" data-testid="nav-signin">
              Sign in
            </Link>
          </nav>
          {children}
        </Analytics>
      </body>
    </html>
  );
}
