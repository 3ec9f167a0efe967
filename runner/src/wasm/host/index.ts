/** Every host function the runner links, by import name. */
import type { HostEnv, HostFunctions } from "../hostContext";
import { abortHostFunctions } from "./abort";
import { bigDecimalHostFunctions } from "./bigDecimal";
import { bigIntHostFunctions } from "./bigInt";
import { cryptoHostFunctions } from "./crypto";
import { dataSourceHostFunctions } from "./dataSource";
import { ethereumHostFunctions } from "./ethereum";
import { jsonHostFunctions } from "./json";
import { logHostFunctions } from "./log";
import { storeHostFunctions } from "./store";
import { typeConversionHostFunctions } from "./typeConversion";
import { unavailableHostFunctions } from "./unavailable";

/** All host functions for one instance, bound to its heap and context. */
export function hostFunctions(env: HostEnv): HostFunctions {
  return {
    ...abortHostFunctions(env),
    ...logHostFunctions(env),
    ...storeHostFunctions(env),
    ...bigIntHostFunctions(env),
    ...bigDecimalHostFunctions(env),
    ...typeConversionHostFunctions(env),
    ...cryptoHostFunctions(env),
    ...dataSourceHostFunctions(env),
    ...jsonHostFunctions(env),
    ...ethereumHostFunctions(env),
    ...unavailableHostFunctions(),
  };
}
