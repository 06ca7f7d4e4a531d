/**
 * Amazon MSK IAM authentication tokens for SASL/OAUTHBEARER.
 *
 * The token is AWS's own: `aws-msk-iam-sasl-signer-js` (the signer AWS publishes for JavaScript Kafka
 * clients) presigns `GET https://kafka.<region>.amazonaws.com/?Action=kafka-cluster:Connect` with
 * SigV4 (service `kafka-cluster`, 900 s), adds its `User-Agent` query parameter and encodes the URL as
 * base64url without padding. The credentials come from the AWS SDK's default chain
 * (`@aws-sdk/credential-provider-node`: environment, SSO, shared files, web identity as on EKS, ECS
 * container and EC2 instance metadata), so whatever role the collector runs with signs the token.
 */

/** AWS credentials as the SDK's providers return them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When temporary credentials stop working; none for long-term keys. */
  expiration?: Date;
}

export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

export interface MskIamToken {
  /** What the client sends as the OAUTHBEARER token. */
  value: string;
  /** When MSK stops accepting it, in ms since the epoch (what librdkafka calls the token's lifetime). */
  expiresAtMs: number;
}

/** Gives the Kafka clients a current token; both methods share one cache. */
export interface MskIamTokenProvider {
  /**
   * The cached token while it has more than a fifth of its life left, else a new one. For kafkajs,
   * which asks on every new connection.
   */
  current(): Promise<MskIamToken>;
  /** A new token, always. For librdkafka, which asks exactly when it wants to replace its token. */
  refresh(): Promise<MskIamToken>;
}

/** No token could be made: no AWS credentials found, or they have already expired. */
export class MskIamTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MskIamTokenError";
  }
}

/**
 * Share of a token's life after which {@link MskIamTokenProvider.current} makes a new one: the same
 * point at which librdkafka and the Java client (`sasl.login.refresh.window.factor`) refresh.
 */
const REFRESH_AT_SHARE_OF_LIFETIME = 0.8;

/** The AWS SDK's default credential chain, loaded on first use: deployments without IAM never load the SDK. */
const defaultCredentials = (): AwsCredentialsProvider => {
  let chain: AwsCredentialsProvider | undefined;
  return async () => {
    if (!chain) {
      const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
      // The chain itself caches temporary credentials and fetches new ones 5 minutes before they expire.
      chain = defaultProvider();
    }
    return chain();
  };
};

/** One token from `credentials`, signed by AWS's MSK signer. */
async function signToken(region: string, credentials: AwsCredentials): Promise<MskIamToken> {
  const { generateAuthTokenFromCredentialsProvider } = await import("aws-msk-iam-sasl-signer-js");
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials;
  // The signer is handed the credentials without their expiration on purpose: given one less than
  // 15 minutes away, signer 1.0.3 computes X-Amz-Expires as `(expiration - now) / 1000`, a fraction
  // of a second ("600.5"), which SigV4 does not define. It then signs a whole 900 s, and the token's
  // reported expiry is cut to the credentials' own, so the clients replace it before they expire.
  const signed = await generateAuthTokenFromCredentialsProvider({
    region,
    awsCredentialsProvider: async () => ({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }),
  });
  const expiresAtMs = expiration ? Math.min(signed.expiryTime, expiration.getTime()) : signed.expiryTime;
  if (expiresAtMs <= Date.now()) {
    throw new MskIamTokenError(`the AWS credentials for MSK IAM expired at ${new Date(expiresAtMs).toISOString()}`);
  }
  return { value: signed.token, expiresAtMs };
}

export interface MskIamTokenProviderOptions {
  /** The cluster's AWS region (tokens are signed for `kafka.<region>.amazonaws.com`). */
  region: string;
  /** Where credentials come from. @default the AWS SDK's default credential chain */
  credentials?: AwsCredentialsProvider;
}

/**
 * A token provider for one Kafka client. Concurrent requests for a token share one signing, and a
 * token is reused until {@link REFRESH_AT_SHARE_OF_LIFETIME} of its life has passed.
 */
export function createMskIamTokenProvider(options: MskIamTokenProviderOptions): MskIamTokenProvider {
  const { region } = options;
  const credentials = options.credentials ?? defaultCredentials();
  let cached: { token: MskIamToken; refreshAtMs: number } | undefined;
  let signing: Promise<MskIamToken> | undefined;

  const refresh = (): Promise<MskIamToken> => {
    signing ??= (async () => {
      const issuedAtMs = Date.now();
      let current: AwsCredentials;
      try {
        current = await credentials();
      } catch (error) {
        throw new MskIamTokenError(
          `no AWS credentials for MSK IAM (the SDK's default chain: environment, profile, web identity, container or instance role): ${(error as Error).message}`,
          { cause: error },
        );
      }
      const token = await signToken(region, current);
      const refreshAtMs = issuedAtMs + (token.expiresAtMs - issuedAtMs) * REFRESH_AT_SHARE_OF_LIFETIME;
      cached = { token, refreshAtMs };
      return token;
    })().finally(() => {
      signing = undefined;
    });
    return signing;
  };

  return {
    current: () => (cached && Date.now() < cached.refreshAtMs ? Promise.resolve(cached.token) : refresh()),
    refresh,
  };
}
