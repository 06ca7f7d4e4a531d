"use client";
import { useTracker } from "@shop/tracker/react";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";

/** A pretend sign-in: any e-mail address is an account whose id is derived from it. */
async function userIdFor(email: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(email.trim().toLowerCase()));
  return `user-${[...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export default function SignIn() {
  const tracker = useTracker();
  const router = useRouter();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "");
    tracker.identify(await userIdFor(email), { email });
    tracker.track("Signed In", { method: "password", status: "success" });
    router.push("/");
  }
  return (
    <main>
      <h1>Sign in</h1>
      <form onSubmit={submit}>
        <label>
          E-mail <input name="email" type="email" data-testid="signin-email" required />
        </label>{" "}
        <label>
          Password <input name="password" type="password" data-testid="signin-password" />
        </label>{" "}
        <button type="submit" data-testid="signin-submit">
          Sign in
        </button>
      </form>
    </main>
  );
}
