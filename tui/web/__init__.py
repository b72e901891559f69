"""The app in a browser: sign-in, one app process per browser session, the bridge between them."""
