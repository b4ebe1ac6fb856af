"""Translations of musicml's messages: gettext catalogs in ``<lang>/LC_MESSAGES/*.po``."""
