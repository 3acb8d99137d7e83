/**
 * git check-ref-format's rules for a branch name, in code: the API checks names it is given,
 * and the local provider checks every commit's branch without starting a git process.
 */
export function isValidBranchName(branch: string): boolean {
  return !(
    branch === "" ||
    /[\s~^:?*[\\\x00-\x1f\x7f]/.test(branch) ||
    branch.includes("..") ||
    branch.includes("@{") ||
    branch.includes("//") ||
    branch === "@" ||
    /^[-/.]|[/.]$|\.lock$|\.lock\/|\/\./.test(branch)
  );
}
