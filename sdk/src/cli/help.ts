/** `clustershare --help`. */
import { DEFAULT_DEPLOYMENT, DEFAULT_RPC, DEFAULT_SUBGRAPH } from "./args";
import { KEY_VARIABLE, KEYSTORE_PASSWORD_VARIABLE } from "./signer";

export const HELP = `clustershare — ClusterShare from the command line (over @clustershare/sdk)

Reads
  clusters                                  every cluster
  cluster <id>                              one cluster and its closed epochs
  investment <account>                      an account's positions, yield and redemptions

Actions (sign with ${KEY_VARIABLE}, or --keystore <file> with ${KEYSTORE_PASSWORD_VARIABLE})
  buy <id> --amount <stablecoin> | --shares <shares> [--receiver <addr>] [--max-price <stablecoin per share>]
  claim <id> [--to <addr>]
  request-redeem <id> --shares <shares>
  cancel <id> --request <requestId>
  redeem <id> [--shares <shares>] [--receiver <addr>]
  pay-rent <id> --amount <stablecoin> --ref <invoice reference>
  report-metrics <id> --active-gpus <n> --utilization-bps <0..10000>
  close-epoch <id>
  launch --config <cluster config JSON>     (the file npm run deploy -- --cluster takes)

Amounts are decimal numbers in whole stablecoins or whole shares ("2.5").

Options
  --rpc <url>          JSON-RPC node (default ${DEFAULT_RPC})
  --subgraph <url>     subgraph query URL (default ${DEFAULT_SUBGRAPH}); reads fall back to the chain
  --deployment <file>  deployment file (default ${DEFAULT_DEPLOYMENT})
  --json               machine-readable output (bigints as decimal strings), errors as {"error": …}
Exit codes: 0 done, 1 refused or failed (named error), 2 usage error.`;
