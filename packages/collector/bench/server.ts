import type { AddressInfo } from "node:net";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createPublisher, publisherOptionsFrom } from "../src/publish/create-publisher.js";
import { floorServer } from "./floor.js";

/**
 * A server under test, in a child process of its own so that its CPU time and peak RSS are its own:
 * `collector` (the real app) or `floor` (see floor.ts), configured from the environment like the
 * collector process. Tells the parent its port over IPC, answers `usage` requests and exits on `stop`.
 */
type Message = { type: "usage" } | { type: "stop" };

const kind = process.argv[2];
const config = loadConfig();
const publisher = createPublisher(config.kafkaClient, publisherOptionsFrom(config));

const usage = () => {
  const cpu = process.cpuUsage();
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
};

let close: () => Promise<void>;
let port: number;
if (kind === "collector") {
  const app = buildApp({ config, publisher });
  await app.listen({ host: "127.0.0.1", port: 0 });
  port = (app.server.address() as AddressInfo).port;
  close = async () => {
    await app.close();
    await publisher.close();
  };
} else if (kind === "floor") {
  const server = floorServer(publisher, config.rawTopic);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await publisher.close();
  };
} else {
  throw new Error(`usage: server.ts collector|floor (got ${kind})`);
}

process.on("message", (message: Message) => {
  if (message.type === "usage") process.send?.({ type: "usage", ...usage() });
  if (message.type === "stop") void close().then(() => process.exit(0));
});
process.send?.({ type: "listening", port, pid: process.pid });
