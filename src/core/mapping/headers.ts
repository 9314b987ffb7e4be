/**
 * Articles and prepositions of French, Spanish, German and Dutch headers, dropped as whole words:
 * "Date d'entrée" = "Date entrée", "Fecha de alta" = "Fecha alta", "E-Mail des Vorgesetzten" = "E-Mail Vorgesetzten".
 * English words are kept ("date of birth" is matched as written).
 */
const FILLER = new Set(['d', 'l', 'de', 'du', 'des', 'la', 'le', 'les', 'del', 'el', 'los', 'las', 'der', 'die', 'das', 'den', 'dem', 'het', 'van']);

/** A header of printable ASCII only. */
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * Header comparison ignores case, accents (ß is ss), spaces, punctuation and those filler words:
 * "E-mail" = "email" = "E_Mail", "Prénom" = "prenom", "Date d'entrée" = "date_entree", "Employee #" = "Employee No".
 */
export function normaliseHeader(header: string): string {
  // Plain ASCII (most headers, and the ~1,200 names the alias index normalises at start-up): no accents,
  // ß or ° to undo, so NFKD and the Unicode classes are skipped — the same words.
  const words = PLAIN.test(header)
    ? header.trim().replace(/([a-z])([A-Z])/g, '$1 $2').replace(/#/g, ' no ').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)
    : unicodeWords(header);
  const kept = words.filter((w) => !FILLER.has(w));
  return (kept.length ? kept : words).join('');
}

function unicodeWords(header: string): string[] {
  return header
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1 $2') // camelCase words: "FechaDeAlta" has the filler "De"
    .replace(/#/g, ' no ')
    .replace(/°/g, 'o') // "N°" as "Nº" (NFKD makes that "No")
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The header without a qualifier in brackets: "Eintrittsdatum (TT.MM.JJJJ)" → "Eintrittsdatum"; undefined when it has none. */
export function withoutQualifier(header: string): string | undefined {
  const bare = header.replace(/\s*[([{][^)\]}]*[)\]}]\s*/g, ' ').trim();
  return bare && bare !== header.trim() ? bare : undefined;
}
