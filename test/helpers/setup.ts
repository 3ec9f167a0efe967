// Hardhat's config is TypeScript and Hardhat loads it with require(): ts-node must be registered first.
import { register } from "ts-node";

register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });
