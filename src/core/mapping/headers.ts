/** Header comparison ignores case, spaces, underscores, hyphens and dots: "E-mail" = "email" = "E_Mail". */
export function normaliseHeader(header: string): string {
  return header.trim().toLowerCase().replace(/[\s_\-.]+/g, '');
}
