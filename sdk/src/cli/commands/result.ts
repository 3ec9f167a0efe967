/** What a command hands back for printing: the `--json` value and the human text. */
export interface CommandResult {
  json: unknown;
  text: string;
}
