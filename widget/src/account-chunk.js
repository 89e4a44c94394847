// The account chunk's entry: it hands the account pages' code to the main bundle.
import { accountPages } from './account.js';

document.currentScript.bd.done(accountPages);
