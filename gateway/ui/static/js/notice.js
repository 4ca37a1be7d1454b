// The refusal being printed: handed from the registration form to the notice page in this tab.
// ID numbers are masked before they are kept.
const KEY = "civic.refusal";

export function keepRefusal(notice) {
  sessionStorage.setItem(KEY, JSON.stringify(notice));
}

export function refusalToPrint() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY));
  } catch {
    return null;
  }
}
