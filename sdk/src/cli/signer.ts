/**
 * The CLI's signing key: from the CLUSTERSHARE_KEY environment variable, or an encrypted JSON keystore file
 * (`--keystore <file>`) whose password is in CLUSTERSHARE_KEYSTORE_PASSWORD. Never from a flag: flags end up in
 * shell history and process listings.
 */
import { readFile } from "node:fs/promises";
import { Wallet, type Provider, type Signer } from "ethers";

export const KEY_VARIABLE = "CLUSTERSHARE_KEY";
export const KEYSTORE_PASSWORD_VARIABLE = "CLUSTERSHARE_KEYSTORE_PASSWORD";

/** Thrown when a command that sends a transaction has no key to sign with, or the key cannot be read. */
export class MissingSignerError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "MissingSignerError";
  }
}

/**
 * The signer for a sending command, connected to `provider`.
 * @throws MissingSignerError without a key, with a keystore but no password, or for a key that does not parse.
 */
export async function loadSigner(provider: Provider, env: NodeJS.ProcessEnv, keystore?: string): Promise<Signer> {
  if (keystore) {
    const password = env[KEYSTORE_PASSWORD_VARIABLE];
    if (password === undefined) throw new MissingSignerError(`--keystore needs its password in ${KEYSTORE_PASSWORD_VARIABLE}`);
    const json = await readFile(keystore, "utf8").catch((error: Error) => {
      throw new MissingSignerError(`cannot read the keystore ${keystore}: ${error.message}`);
    });
    const wallet = await Wallet.fromEncryptedJson(json, password).catch((error: Error) => {
      throw new MissingSignerError(`cannot decrypt the keystore ${keystore}: ${error.message}`);
    });
    return wallet.connect(provider);
  }
  const key = env[KEY_VARIABLE];
  if (!key) throw new MissingSignerError(`this command sends a transaction: set ${KEY_VARIABLE} (a private key) or pass --keystore <file>`);
  try {
    return new Wallet(key, provider);
  } catch {
    // The key itself is never echoed.
    throw new MissingSignerError(`${KEY_VARIABLE} is not a valid private key`);
  }
}
