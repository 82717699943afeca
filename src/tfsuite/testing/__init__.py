"""Test doubles and fixture builders. Nothing outside the tests imports them."""
