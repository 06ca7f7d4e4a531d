import { Validator } from "@seriousme/openapi-schema-validator";
import { eventTypes } from "@shop/event-schema";
import { describe, expect, it } from "vitest";
import { rejectionCodes } from "../src/http/responses.js";
import { validFixtures } from "./fixtures.js";
import { setupApp } from "./setup-app.js";

type Operation = { responses: Record<string, unknown>; requestBody?: unknown };
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

async function fetchDocument() {
  const { app } = setupApp();
  const response = await app.inject("/openapi.json");
  expect(response.statusCode).toBe(200);
  expect(response.headers["content-type"]).toContain("application/json");
  return { app, document: response.json() as Document };
}

/** Every METHOD path the app routes, from Fastify's own route table (HEAD and OPTIONS aside). */
function routesOf(app: Awaited<ReturnType<typeof fetchDocument>>["app"]): string[] {
  const routes: string[] = [];
  const tree = app.printRoutes({ commonPrefix: false });
  for (const line of tree.split("\n")) {
    const match = /(\/\S*) \(([A-Z, ]+)\)/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    for (const method of match[2].split(", ")) {
      if (method !== "HEAD" && method !== "OPTIONS") routes.push(`${method} ${match[1]}`);
    }
  }
  return routes.sort();
}

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const { document } = await fetchDocument();
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("documents exactly the routes the app serves", async () => {
    const { app, document } = await fetchDocument();
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(routesOf(app));
    for (const route of documented) {
      const [method, url] = route.split(" ") as ["GET" | "POST", string];
      expect(app.hasRoute({ method, url })).toBe(true);
    }
  });

  it("takes the event schemas from @shop/event-schema, with each ingest route's failure answers", async () => {
    const { document } = await fetchDocument();
    for (const type of eventTypes) {
      const name = `${type[0]?.toUpperCase()}${type.slice(1)}Event`;
      expect(document.components.schemas[name]).toMatchObject({ properties: { type: { const: type } } });
      const operation = document.paths[`/v1/${type}`]?.post;
      expect(Object.keys(operation?.responses ?? {})).toEqual(
        expect.arrayContaining(["200", "400", "401", "403", "413", "415", "429", "503"]),
      );
    }
    expect(document.components.schemas["Ecommerce.OrderCompleted"]).toBeDefined();
  });

  it("describes real answers: a batch response matches the documented IngestResponse", async () => {
    const { app, document } = await fetchDocument();
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      payload: { batch: [validFixtures[0]?.event, { type: "nope" }] },
    });
    const schema = document.components.schemas.IngestResponse as { properties: Record<string, unknown> };
    expect(Object.keys(response.json()).sort()).toEqual(Object.keys(schema.properties).sort());
  });

  it("lists every rejection code, pan_detected included", async () => {
    const { document } = await fetchDocument();
    const ingest = document.components.schemas.IngestResponse as {
      properties: { rejected: { items: { properties: { code: { enum: string[]; description: string } } } } };
    };
    const code = ingest.properties.rejected.items.properties.code;
    expect(code.enum).toEqual(Object.keys(rejectionCodes));
    expect(code.description).toContain("pan_detected: ");
  });
});
