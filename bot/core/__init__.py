"""The foundation every other part stands on: settings from the environment, the storage interface,
the content models and their validating loader, the read-only knowledge, locales and Chinese
numerals/script, logging that scrubs secrets, member preferences.

Imports no other `bot` package.
"""
