/**
 * The names graph-node gives the root query fields of an entity type. graph-node derives them with the Rust
 * `inflector` crate: `Type.to_camel_case()` for the single-entity field and `Type.to_plural().to_camel_case()` for
 * the collection. Both are ported here rule for rule, because a "close enough" English pluralizer would give
 * names that differ from the real endpoint's (graph-node pluralizes the PascalCase type name, so its list of
 * uncountable words only ever applies to lower-case type names).
 */

/** inflector's UNACCONTABLE_WORDS: left unchanged by `to_plural` (compared with the whole, case-sensitive name). */
const UNCOUNTABLE = new Set(
  (
    "accommodation adulthood advertising advice aggression aid air aircraft alcohol anger applause arithmetic " +
    "assistance athletics bacon baggage beef biology blood botany bread butter carbon cardboard cash chalk chaos " +
    "chess crossroads countryside dancing deer dignity dirt dust economics education electricity engineering " +
    "enjoyment envy equipment ethics evidence evolution fame fiction flour flu food fuel fun furniture gallows " +
    "garbage garlic genetics gold golf gossip grammar gratitude grief guilt gymnastics happiness hardware harm " +
    "hate hatred health heat help homework honesty honey hospitality housework humour hunger hydrogen ice " +
    "importance inflation information innocence iron irony jam jewelry judo karate knowledge lack laughter lava " +
    "leather leisure lightning linguine linguini linguistics literature litter livestock logic loneliness luck " +
    "luggage macaroni machinery magic management mankind marble mathematics mayonnaise measles methane milk " +
    "money mud music mumps nature news nitrogen nonsense nurture nutrition obedience obesity oxygen pasta " +
    "patience physics poetry pollution poverty pride psychology publicity punctuation quartz racism relaxation " +
    "reliability research respect revenge rice rubbish rum safety scenery seafood seaside series shame sheep " +
    "shopping sleep smoke smoking snow soap software soil spaghetti species steam stuff stupidity sunshine " +
    "symmetry tennis thirst thunder timber traffic transportation trust underwear unemployment unity validity " +
    "veal vegetation vegetarianism vengeance violence vitality warmth wealth weather welfare wheat wildlife " +
    "wisdom yoga zinc zoology"
  ).split(" "),
);

const SPECIAL_PLURALS: Record<string, string> = {
  ox: "oxen", man: "men", woman: "women", die: "dice", yes: "yeses", foot: "feet", eave: "eaves", goose: "geese",
  tooth: "teeth", quiz: "quizzes",
};

/**
 * inflector's pluralization rules in its declaration order; `to_plural` tries them from the last to the first
 * and keeps capture group 1 followed by the replacement.
 */
const PLURAL_RULES: Array<[RegExp, string]> = [
  [/(\w*)s$/, "s"],
  [/(\w*([^aeiou]ese))$/, ""],
  [/(\w*(ax|test))is$/, "es"],
  [/(\w*(alias|[^aou]us|tlas|gas|ris))$/, "es"],
  [/(\w*(e[mn]u))s?$/, "s"],
  [/(\w*([^l]ias|[aeiou]las|[emjzr]as|[iu]am))$/, ""],
  [/(\w*(alumn|syllab|octop|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat))(?:us|i)$/, "i"],
  [/(\w*(alumn|alg|vertebr))(?:a|ae)$/, "ae"],
  [/(\w*(seraph|cherub))(?:im)?$/, "im"],
  [/(\w*(her|at|gr))o$/, "oes"],
  [
    /(\w*(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul|automat|quor))(?:a|um)$/,
    "a",
  ],
  [/(\w*(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat))(?:a|on)$/, "a"],
  [/(\w*)sis$/, "ses"],
  [/(\w*(kni|wi|li))fe$/, "ves"],
  [/(\w*(ar|l|ea|eo|oa|hoo))f$/, "ves"],
  [/(\w*([^aeiouy]|qu))y$/, "ies"],
  [/(\w*([^ch][ieo][ln]))ey$/, "ies"],
  [/(\w*(x|ch|ss|sh|zz)es)$/, ""],
  [/(\w*(x|ch|ss|sh|zz))$/, "es"],
  [/(\w*(matr|cod|mur|sil|vert|ind|append))(?:ix|ex)$/, "ices"],
  [/(\w*(m|l)(?:ice|ouse))$/, "ice"],
  [/(\w*(pe)(?:rson|ople))$/, "ople"],
  [/(\w*(child))(?:ren)?$/, "ren"],
  [/(\w*eaux)$/, ""],
];

/** inflector's `to_plural`: `Cluster` → `Clusters`, `Entity` → `Entities`, `Status` → `Statuses`. */
export function pluralize(word: string): string {
  if (UNCOUNTABLE.has(word)) return word;
  if (Object.hasOwn(SPECIAL_PLURALS, word)) return SPECIAL_PLURALS[word];
  for (let i = PLURAL_RULES.length - 1; i >= 0; i--) {
    const [rule, replacement] = PLURAL_RULES[i];
    const match = rule.exec(word);
    if (match?.[1] !== undefined) return match[1] + replacement;
  }
  return word + "s";
}

const isAlphanumeric = (c: string): boolean => /[\p{L}\p{N}]/u.test(c);
const isLower = (c: string): boolean => c !== c.toUpperCase() && c === c.toLowerCase();
const isUpper = (c: string): boolean => c !== c.toLowerCase() && c === c.toUpperCase();

/**
 * inflector's `to_camel_case`: `DailySnapshot` → `dailySnapshot`, `ERC20Token` → `erc20Token`, `Foo_bar` →
 * `fooBar`. A word starts after a separator, after a digit, or at a lower-to-upper case change; runs of capitals
 * (acronyms) are lower-cased.
 */
export function camelCase(text: string): string {
  const chars = [...text];
  while (chars.length > 0 && !isAlphanumeric(chars[chars.length - 1])) chars.pop();
  let newWord = false;
  let lastChar = " ";
  let foundRealChar = false;
  let result = "";
  for (const c of chars) {
    if (!isAlphanumeric(c)) {
      if (foundRealChar) newWord = true;
    } else if (/\p{N}/u.test(c)) {
      foundRealChar = true;
      newWord = true;
      result += c;
    } else if (newWord || (isLower(lastChar) && isUpper(c))) {
      // inflector leaves `lastChar` unchanged on a word start; kept so acronyms fold the same way.
      foundRealChar = true;
      newWord = false;
      result += c.toUpperCase();
    } else {
      foundRealChar = true;
      lastChar = c;
      result += c.toLowerCase();
    }
  }
  return result;
}

/** The root query field names graph-node generates for an entity type: `{ single: "cluster", collection: "clusters" }`. */
export function queryFieldNames(typeName: string): { single: string; collection: string } {
  return { single: camelCase(typeName), collection: camelCase(pluralize(typeName)) };
}
