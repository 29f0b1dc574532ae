// Issue #10's part of the page (see ../plan): filled in by the next commits.
export function initLearn(page) {
  void page;
}
