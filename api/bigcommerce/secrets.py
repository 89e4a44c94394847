"""Access tokens encrypted at rest. The key is derived (HKDF-SHA256) from SECRET_KEYS: the newest
secret encrypts, every listed secret can still decrypt, so rotating SECRET_KEYS keeps installed
stores working (re-encrypted with the new key the next time they install or sync)."""
import base64

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"backorder-desk bigcommerce access token"


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _keys(secret_keys: list[str]) -> MultiFernet:
    if not secret_keys:
        raise RuntimeError("SECRET_KEYS is empty: cannot encrypt BigCommerce access tokens.")
    return MultiFernet([_fernet(secret) for secret in secret_keys])


def encrypt_token(secret_keys: list[str], token: str) -> str:
    return _keys(secret_keys).encrypt(token.encode()).decode()


def decrypt_token(secret_keys: list[str], encrypted: str) -> str:
    return _keys(secret_keys).decrypt(encrypted.encode()).decode()
