/**
 * The cluster config file `npm run deploy -- --cluster <file>` launches: every LaunchParams field, amounts in whole
 * stablecoins or shares as decimal strings ("2.50"), durations in seconds, the raise deadline as an ISO 8601 time.
 * Checked field by field before anything is sent, so a bad file names its field and costs no gas.
 *
 * {
 *   "name": "H100 Cluster Frankfurt", "symbol": "csH100FRA", "gpuModel": "NVIDIA H100 SXM", "gpuCount": 256,
 *   "region": "eu-central", "metadataURI": "ipfs://…", "metadataHash": "0x…",          (hash optional)
 *   "stablecoin": "0x…",                        (optional: the deployment's stablecoin)
 *   "revenueFeed": "0x…", "revenueHeartbeat": 172800, "maxRevenuePerEpoch": "500000", "epochLength": 604800,
 *   "operatorFeeBps": 1000, "reserveBps": 500, "redemptionFeeBps": 50, "keeper": "0x…", "withAllowlist": false,
 *   "offering": { "pricePerShare": "1", "softCap": "1000000", "hardCap": "4000000",
 *                 "deadline": "2027-03-01T00:00:00Z", "minPerAccount": "100", "maxPerAccount": "0" },
 *   "nav": { "appraisalFeed": "0x…", "appraisalHeartbeat": 86400, "maxDeviationBps": 2000,
 *            "usefulLife": 94608000, "salvageBps": 1000, "navHeartbeat": 86400 }
 * }
 * Without "offering" the operator already owns the hardware: "initialHolder", "initialShares" and
 * "nav.hardwareCost" are then required, as the factory requires.
 */
import { getAddress, isAddress, isHexString, parseUnits, ZeroAddress, ZeroHash } from "ethers";

/** LaunchParams as the factory's `launch` takes them, in base units. */
export interface LaunchParams {
  name: string;
  symbol: string;
  gpuModel: string;
  gpuCount: number;
  region: string;
  metadataURI: string;
  metadataHash: string;
  stablecoin: string;
  revenueFeed: string;
  revenueHeartbeat: number;
  maxRevenuePerEpoch: bigint;
  epochLength: number;
  operatorFeeBps: number;
  reserveBps: number;
  keeper: string;
  initialHolder: string;
  initialShares: bigint;
  offering: {
    pricePerShare: bigint;
    softCap: bigint;
    hardCap: bigint;
    deadline: number;
    minPerAccount: bigint;
    maxPerAccount: bigint;
  };
  nav: {
    appraisalFeed: string;
    appraisalHeartbeat: number;
    maxDeviationBps: number;
    usefulLife: number;
    salvageBps: number;
    navHeartbeat: number;
    hardwareCost: bigint;
  };
  redemptionFeeBps: number;
  withAllowlist: boolean;
}

/** A checked config: the Ignition key of the launch and its parameters, amounts converted once decimals are known. */
export interface ClusterConfig {
  /** Names the launch's Ignition module (`Cluster_<key>`): the config's "id", else its symbol. */
  key: string;
  stablecoin: string;
  /** The launch parameters for a stablecoin of `stablecoinDecimals` decimals. */
  launchParams(stablecoinDecimals: number): LaunchParams;
}

/** Thrown for a cluster config that is missing a field or holds a malformed value; names the field. */
export class InvalidClusterConfigError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid cluster config: ${field} ${reason}`);
    this.name = "InvalidClusterConfigError";
  }
}

const SHARE_DECIMALS = 18;
const MAX_BPS = 10_000;
const UINT32 = 2 ** 32 - 1;
const UINT40 = 2 ** 40 - 1;
const UINT128 = 2n ** 128n - 1n;
const DECIMAL = /^\d+(\.\d+)?$/;
const KEY = /^[A-Za-z0-9_]+$/;

/**
 * Checks an object parsed from a cluster config file.
 * @param defaults.stablecoin The deployment's stablecoin, used when the file names none.
 * @throws InvalidClusterConfigError naming the first field that is missing, malformed or inconsistent.
 */
export function readClusterConfig(value: unknown, defaults: { stablecoin?: string } = {}): ClusterConfig {
  const root = known(object(value, "(root)"), "", ROOT_FIELDS);
  const get = fieldReader(root, "");
  const offering = root.offering === undefined
    ? undefined
    : fieldReader(known(object(root.offering, "offering"), "offering.", OFFERING_FIELDS), "offering.");
  const nav = fieldReader(known(object(root.nav, "nav"), "nav.", NAV_FIELDS), "nav.");

  const symbol = get.text("symbol");
  const key = root.id === undefined ? symbol.replace(/[^A-Za-z0-9_]/g, "_") : get.text("id");
  if (!KEY.test(key)) throw new InvalidClusterConfigError("id", `must be letters, digits and _: ${key}`);
  const stablecoin = root.stablecoin === undefined ? defaults.stablecoin : get.address("stablecoin");
  if (stablecoin === undefined) throw new InvalidClusterConfigError("stablecoin", "is missing and the deployment has none");

  // Everything but the amounts, whose base units depend on the stablecoin's decimals.
  const fixed = {
    name: get.text("name"),
    symbol,
    gpuModel: get.text("gpuModel"),
    gpuCount: get.integer("gpuCount", 1, UINT32),
    region: get.text("region"),
    metadataURI: get.text("metadataURI"),
    metadataHash: root.metadataHash === undefined ? ZeroHash : get.bytes32("metadataHash"),
    stablecoin,
    revenueFeed: get.address("revenueFeed"),
    revenueHeartbeat: get.integer("revenueHeartbeat", 1, UINT32),
    epochLength: get.integer("epochLength", 1, UINT40),
    operatorFeeBps: get.integer("operatorFeeBps", 0, MAX_BPS),
    reserveBps: get.integer("reserveBps", 0, MAX_BPS),
    keeper: get.optionalAddress("keeper"),
    initialHolder: get.optionalAddress("initialHolder"),
    redemptionFeeBps: get.integer("redemptionFeeBps", 0, MAX_BPS),
    withAllowlist: root.withAllowlist === undefined ? false : get.flag("withAllowlist"),
    deadline: offering ? offering.time("deadline") : 0,
    nav: {
      appraisalFeed: nav.optionalAddress("appraisalFeed"),
      appraisalHeartbeat: nav.optionalInteger("appraisalHeartbeat", 0, UINT32),
      maxDeviationBps: nav.integer("maxDeviationBps", 0, MAX_BPS),
      usefulLife: nav.optionalInteger("usefulLife", 0, UINT32),
      salvageBps: nav.integer("salvageBps", 0, MAX_BPS),
      navHeartbeat: nav.integer("navHeartbeat", 1, UINT32),
    },
  };
  // The factory's rules for a launch with or without a raise, stated here so the file, not a revert, says which.
  if (offering) {
    if (root.initialShares !== undefined) throw new InvalidClusterConfigError("initialShares", "must be absent with an offering");
    if (nav.has("hardwareCost")) throw new InvalidClusterConfigError("nav.hardwareCost", "must be absent with an offering: the raise buys the hardware");
  } else {
    if (fixed.initialHolder === ZeroAddress) throw new InvalidClusterConfigError("initialHolder", "is required without an offering");
    if (!nav.has("hardwareCost")) throw new InvalidClusterConfigError("nav.hardwareCost", "is required without an offering");
  }
  if (fixed.nav.appraisalFeed !== ZeroAddress && fixed.nav.appraisalHeartbeat === 0) {
    throw new InvalidClusterConfigError("nav.appraisalHeartbeat", "is required with an appraisal feed");
  }
  // Amount strings are checked now; only their scale waits for the decimals.
  get.decimal("maxRevenuePerEpoch");
  if (offering) {
    for (const field of ["pricePerShare", "softCap", "hardCap"]) offering.decimal(field);
  } else {
    get.decimal("initialShares");
    nav.decimal("hardwareCost");
  }

  const { deadline, nav: navFixed, ...params } = fixed;
  return {
    key,
    stablecoin,
    launchParams(decimals) {
      const stable = (reader: FieldReader, field: string, optional = false) =>
        optional && !reader.has(field) ? 0n : reader.amount(field, decimals);
      return {
        ...params,
        maxRevenuePerEpoch: stable(get, "maxRevenuePerEpoch"),
        initialShares: offering ? 0n : get.amount("initialShares", SHARE_DECIMALS),
        offering: offering
          ? {
              pricePerShare: stable(offering, "pricePerShare"),
              softCap: stable(offering, "softCap"),
              hardCap: stable(offering, "hardCap"),
              deadline,
              minPerAccount: stable(offering, "minPerAccount", true),
              maxPerAccount: stable(offering, "maxPerAccount", true),
            }
          : { pricePerShare: 0n, softCap: 0n, hardCap: 0n, deadline: 0, minPerAccount: 0n, maxPerAccount: 0n },
        nav: { ...navFixed, hardwareCost: offering ? 0n : stable(nav, "hardwareCost") },
      };
    },
  };
}

type FieldReader = ReturnType<typeof fieldReader>;

const ROOT_FIELDS = [
  "id", "name", "symbol", "gpuModel", "gpuCount", "region", "metadataURI", "metadataHash", "stablecoin", "revenueFeed",
  "revenueHeartbeat", "maxRevenuePerEpoch", "epochLength", "operatorFeeBps", "reserveBps", "keeper", "initialHolder",
  "initialShares", "offering", "nav", "redemptionFeeBps", "withAllowlist",
];
const OFFERING_FIELDS = ["pricePerShare", "softCap", "hardCap", "deadline", "minPerAccount", "maxPerAccount"];
const NAV_FIELDS = ["appraisalFeed", "appraisalHeartbeat", "maxDeviationBps", "usefulLife", "salvageBps", "navHeartbeat", "hardwareCost"];

/** Refuses a field the launch does not know: a misspelt optional field would otherwise launch with its default. */
function known(raw: Record<string, unknown>, prefix: string, fields: string[]): Record<string, unknown> {
  const unknown = Object.keys(raw).find((key) => !fields.includes(key));
  if (unknown !== undefined) throw new InvalidClusterConfigError(prefix + unknown, "is not a launch parameter");
  return raw;
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidClusterConfigError(field, "must be an object");
  }
  return value as Record<string, unknown>;
}

/** Typed getters over one object of the file; `prefix` gives errors the field's full path. */
function fieldReader(raw: Record<string, unknown>, prefix: string) {
  const fail = (field: string, reason: string): never => {
    throw new InvalidClusterConfigError(prefix + field, reason);
  };
  const has = (field: string) => raw[field] !== undefined;
  const text = (field: string): string => {
    const v = raw[field];
    return typeof v === "string" && v.length > 0 ? v : fail(field, "must be a non-empty string");
  };
  const integer = (field: string, min: number, max: number): number => {
    const v = raw[field];
    return Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? (v as number)
      : fail(field, `must be an integer from ${min} to ${max}`);
  };
  const address = (field: string): string => {
    const v = text(field);
    return isAddress(v) ? getAddress(v) : fail(field, `is not an address: ${v}`);
  };
  const decimal = (field: string): string => {
    const v = text(field);
    return DECIMAL.test(v) ? v : fail(field, `must be a decimal string such as "1250.50": ${v}`);
  };
  return {
    has,
    text,
    integer,
    address,
    decimal,
    optionalInteger: (field: string, min: number, max: number) => (has(field) ? integer(field, min, max) : 0),
    optionalAddress: (field: string) => (has(field) ? address(field) : ZeroAddress),
    bytes32: (field: string): string => {
      const v = text(field);
      return isHexString(v, 32) ? v : fail(field, `must be 32 bytes of hex: ${v}`);
    },
    flag: (field: string): boolean => {
      const v = raw[field];
      return typeof v === "boolean" ? v : fail(field, "must be true or false");
    },
    /** Seconds since the epoch, from an ISO 8601 time (or a number of seconds). */
    time: (field: string): number => {
      const v = raw[field];
      const seconds = typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) / 1000 : NaN;
      return Number.isSafeInteger(seconds) && seconds > 0 && seconds <= UINT40
        ? seconds
        : fail(field, `must be an ISO 8601 time such as "2027-03-01T00:00:00Z": ${String(v)}`);
    },
    /** A decimal string in base units of `decimals`, refusing digits the unit cannot hold and values over uint128. */
    amount: (field: string, decimals: number): bigint => {
      const v = decimal(field);
      const [, fraction = ""] = v.split(".");
      if (fraction.length > decimals) fail(field, `has more than ${decimals} decimals: ${v}`);
      const units = parseUnits(v, decimals);
      return units <= UINT128 ? units : fail(field, `exceeds uint128 in base units: ${v}`);
    },
  };
}
