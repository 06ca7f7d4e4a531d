import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A certificate and its private key, as PEM files. */
export interface CertifiedKey {
  certFile: string;
  keyFile: string;
}

/**
 * Certificates made for one test run, in `dir`: a CA, a broker certificate it signed (SAN
 * IP:127.0.0.1 and DNS:localhost, so clients verify the host name), a client certificate it signed
 * whose key is encrypted with `clientKeyPassword`, and a second CA that signed nothing the broker
 * presents (for "unknown CA" cases).
 */
export interface TestPki {
  ca: CertifiedKey;
  server: CertifiedKey & { keyAndChainFile: string };
  client: CertifiedKey & { keyPassword: string };
  otherCa: CertifiedKey;
}

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("openssl", args, { cwd, timeout: 30_000 }, (error, _stdout, stderr) => {
      if (!error) resolve();
      else if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        reject(new Error("the openssl command is needed to make the test's certificates (Debian package openssl)"));
      } else reject(new Error(`openssl ${args[0]} failed: ${stderr || error.message}`));
    });
  });
}

/** EC P-256: a key takes milliseconds to make, and both Kafka's PEM loader and both clients read it. */
const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc"];

async function selfSignedCa(dir: string, name: string): Promise<CertifiedKey> {
  const ca = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  await openssl(
    ["req", "-x509", ...newKey, "-keyout", ca.keyFile, "-out", ca.certFile, "-days", "2", "-subj", `/CN=${name}`],
    dir,
  );
  return ca;
}

async function signedBy(ca: CertifiedKey, dir: string, name: string, extensions: string): Promise<CertifiedKey> {
  const issued = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  await writeFile(extFile, extensions);
  await openssl(["req", ...newKey, "-keyout", issued.keyFile, "-out", csr, "-subj", `/CN=${name}`], dir);
  await openssl(
    [
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      ca.certFile,
      "-CAkey",
      ca.keyFile,
      "-set_serial",
      `0x${randomBytes(8).toString("hex")}`,
      "-days",
      "2",
      "-extfile",
      extFile,
      "-out",
      issued.certFile,
    ],
    dir,
  );
  return issued;
}

export async function createTestPki(dir: string): Promise<TestPki> {
  const ca = await selfSignedCa(dir, "test-ca");
  const otherCa = await selfSignedCa(dir, "other-ca");
  const server = await signedBy(
    ca,
    dir,
    "broker",
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  // Kafka's PEM key store (ssl.keystore.type=PEM) reads the key and its certificate chain from one file.
  const keyAndChainFile = join(dir, "broker-key-and-chain.pem");
  await openssl(["pkey", "-in", server.keyFile, "-out", keyAndChainFile], dir);
  await appendFile(keyAndChainFile, await readFile(server.certFile));

  const plainClient = await signedBy(ca, dir, "collector", "extendedKeyUsage=clientAuth\n");
  // Encrypted (PKCS#8, AES-256), as private keys at rest should be: both clients get its password.
  const keyPassword = randomBytes(12).toString("hex");
  const encryptedKeyFile = join(dir, "collector-encrypted.key");
  await openssl(
    [
      "pkcs8",
      "-topk8",
      "-v2",
      "aes-256-cbc",
      "-in",
      plainClient.keyFile,
      "-out",
      encryptedKeyFile,
      "-passout",
      `pass:${keyPassword}`,
    ],
    dir,
  );
  return {
    ca,
    otherCa,
    server: { ...server, keyAndChainFile },
    client: { certFile: plainClient.certFile, keyFile: encryptedKeyFile, keyPassword },
  };
}
