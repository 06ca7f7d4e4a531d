import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, openSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stackEnv } from "../stack-env.js";
import { createTestPki, type TestPki } from "./certificates.js";
import { freePort } from "./free-port.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const validatorSource = fileURLToPath(new URL("./MskIamStandInValidator.java", import.meta.url));
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 15_000;

/**
 * A KRaft broker of the test's own on free loopback ports, like managed Kafka: TLS with a
 * certificate from the test's CA, a listener that requires client certificates, SCRAM users and
 * OAUTHBEARER (MSK IAM's SASL mechanism) checked by {@link validatorSource}. A PLAINTEXT listener is
 * left for the test's own topic set-up and reads.
 */
export interface SecureBroker {
  /** PLAINTEXT: the test's own admin and reads. */
  plaintext: string[];
  /** SSL with `ssl.client.auth=required`: only clients with a certificate from `pki.ca` get in. */
  ssl: string[];
  /** SASL_SSL with SCRAM-SHA-512 (the user below) and OAUTHBEARER (MSK-shaped tokens). */
  saslSsl: string[];
  pki: TestPki;
  scram: { username: string; password: string };
  /** Where the test may put files of its own (deleted by `dispose`). */
  dir: string;
  /** Stops the broker (SIGTERM, SIGKILL after a grace period) and deletes its files. */
  dispose(): Promise<void>;
}

function run(command: string, args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: repoRoot, timeout: 120_000 }, async (error, stdout, stderr) => {
      await writeFile(logFile, `${stdout}\n${stderr}`).catch(() => undefined);
      if (!error) resolve();
      else reject(new Error(`${command} ${args.slice(0, 3).join(" ")}… failed (log: ${logFile}): ${error.message}`));
    });
  });
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

/** The broker's jars, fetched by the stack's own script when missing (idempotent, cached). */
async function kafkaLibs(dir: string): Promise<string> {
  const version = stackEnv().KAFKA_VERSION;
  const libs = join(repoRoot, ".tools", `kafka-${version}`, "libs");
  if (!existsSync(join(libs, ".complete"))) {
    await run("bash", [join(repoRoot, "scripts/stack/kafka.sh"), "install"], join(dir, "install.log"));
  }
  return libs;
}

function serverProperties(dir: string, ports: Record<"internal" | "ssl" | "saslSsl" | "controller", number>) {
  const listeners = {
    INTERNAL: ports.internal,
    SSL: ports.ssl,
    SASL_SSL: ports.saslSsl,
  };
  const advertised = Object.entries(listeners).map(([name, port]) => `${name}://127.0.0.1:${port}`);
  return `# Written by test/support/secure-broker.ts for one test run.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${ports.controller}
listeners=${[...advertised, `CONTROLLER://127.0.0.1:${ports.controller}`].join(",")}
advertised.listeners=${advertised.join(",")}
listener.security.protocol.map=INTERNAL:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
controller.listener.names=CONTROLLER
log.dirs=${join(dir, "data")}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
num.network.threads=2
num.io.threads=2

# TLS from PEM files (Kafka reads PEM since 2.7): the key and its chain in one file, the test CA as trust.
ssl.keystore.type=PEM
ssl.keystore.location=${join(dir, "pki", "broker-key-and-chain.pem")}
ssl.truststore.type=PEM
ssl.truststore.location=${join(dir, "pki", "test-ca.crt")}
listener.name.ssl.ssl.client.auth=required

# SCRAM users come from the storage format (--add-scram); OAUTHBEARER tokens go to the stand-in validator.
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512,OAUTHBEARER
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";
listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class=MskIamStandInValidator
`;
}

const log4j2 = (logFile: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders><File name="file" fileName="${logFile}"><PatternLayout pattern="[%d] %p %m (%c)%n"/></File></Appenders>
  <Loggers><Root level="WARN"><AppenderRef ref="file"/></Root></Loggers>
</Configuration>
`;

/** A cluster id in Kafka's format (16 random bytes, base64url); a leading "-" would read as an option. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/** Starts the broker and waits until every listener accepts connections. */
export async function startSecureBroker(): Promise<SecureBroker> {
  const dir = await mkdtemp(join(tmpdir(), "collector-secure-kafka-"));
  let broker: ChildProcess | undefined;
  const killOnExit = () => broker?.kill("SIGKILL");
  const dispose = async () => {
    process.off("exit", killOnExit);
    const child = broker;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const libs = await kafkaLibs(dir);
    await mkdir(join(dir, "pki"));
    const pki = await createTestPki(join(dir, "pki"));
    const classes = join(dir, "classes");
    await run("javac", ["-nowarn", "-cp", `${libs}/*`, "-d", classes, validatorSource], join(dir, "javac.log"));

    const ports = {
      internal: await freePort(),
      ssl: await freePort(),
      saslSsl: await freePort(),
      controller: await freePort(),
    };
    const scram = { username: "collector", password: randomBytes(16).toString("hex") };
    const config = join(dir, "server.properties");
    await writeFile(config, serverProperties(dir, ports));
    await writeFile(join(dir, "log4j2.xml"), log4j2(join(dir, "server.log")));
    const logConfig = `-Dlog4j2.configurationFile=${join(dir, "log4j2.xml")}`;
    const classpath = `${libs}/*:${classes}`;

    const clusterId = newClusterId();
    await run(
      "java",
      [
        "-Xmx256m",
        logConfig,
        "-cp",
        classpath,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        clusterId,
        "-c",
        config,
        "--add-scram",
        `SCRAM-SHA-512=[name=${scram.username},password=${scram.password}]`,
      ],
      join(dir, "format.log"),
    );

    const stdout = openSync(join(dir, "stdout.log"), "a");
    broker = spawn(
      "java",
      ["-Xms128m", "-Xmx384m", "-XX:+UseSerialGC", logConfig, "-cp", classpath, "kafka.Kafka", config],
      { cwd: dir, stdio: ["ignore", stdout, stdout] },
    );
    // A crashed test run must not leave a JVM behind.
    process.on("exit", killOnExit);

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (const port of Object.values(ports)) {
      while (!(await portOpen(port))) {
        if (broker.exitCode !== null || Date.now() > deadline) {
          const tail = await readFile(join(dir, "server.log"), "utf8").catch(() => "");
          throw new Error(`the test broker did not start (port ${port}); server.log:\n${tail.slice(-4000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const at = (port: number) => [`127.0.0.1:${port}`];
    return {
      plaintext: at(ports.internal),
      ssl: at(ports.ssl),
      saslSsl: at(ports.saslSsl),
      pki,
      scram,
      dir,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
