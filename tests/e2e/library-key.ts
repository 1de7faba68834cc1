/** The library key the browser tests' server is given (RELIVE_ADMIN_KEY), so that tests can enter it. */
export const E2E_LIBRARY_KEY = "e2e-library-key-0123456789abcdef";
