/** action.yml, bundled as text for the CLI's --help (esbuild's text loader). */
declare module '*.yml' {
  const text: string;
  export default text;
}
