import { AuthenticationError, MultipleErrors, NetworkError } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import { MskIamTokenError } from "../src/publish/msk-iam-token.js";
import { describePlatformaticError } from "../src/publish/platformatic-publisher.js";

describe("describePlatformaticError", () => {
  it("names the reasons under the library's wrappers, once each", () => {
    const refused = (port: number) =>
      new NetworkError(`Connection to 127.0.0.1:${port} failed.`, {
        cause: new AuthenticationError("SASL authentication failed."),
      });
    const error = new MultipleErrors("initProducerId failed 4 times.", [
      new MultipleErrors("Cannot connect to any broker.", [refused(1), refused(2)]),
      new MultipleErrors("Cannot connect to any broker.", [refused(1)]),
    ]);
    expect(describePlatformaticError(error)).toBe("SASL authentication failed.");
  });

  it("stops at the first error that is not the library's, whose message says what happened", () => {
    const tokenError = new MskIamTokenError("no AWS credentials for MSK IAM", {
      cause: new Error("Could not load credentials from any providers"),
    });
    const tls = Object.assign(new Error("unable to verify the first certificate"), {
      code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    });
    const error = new MultipleErrors("Producing messages failed.", [
      new NetworkError("Connection to b1 failed.", {
        cause: new AuthenticationError("The SASL/OAUTHBEARER token provider threw an error.", { cause: tokenError }),
      }),
      new NetworkError("Connection to b2 failed.", { cause: tls }),
    ]);
    expect(describePlatformaticError(error)).toBe(
      "no AWS credentials for MSK IAM; unable to verify the first certificate",
    );
  });

  it("takes the message of an error from elsewhere as it is", () => {
    expect(describePlatformaticError(new TypeError("boom"))).toBe("boom");
    expect(describePlatformaticError("not an error")).toBe("");
  });
});
