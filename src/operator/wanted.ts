/** spec.filters: exclude wins; an empty include list records everything. */
export function isWanted(streamId: string, filters: { readonly include?: readonly string[]; readonly exclude?: readonly string[] }): boolean {
  if (filters.exclude?.includes(streamId)) return false;
  return !filters.include?.length || filters.include.includes(streamId);
}
