"""Keys that were ever published in this repository: no service accepts them.

SHA-256 of every literal that looks like a key (32+ key characters on a line about a
secret, a password, a token or auth) in a file of the repository, now or in its history.
`tests/security/test_published_keys.py` scans the repository and fails when it finds one
that is not listed here, so a key committed by mistake is refused before it is used.
Hashes, not the keys: this module must not itself publish what it refuses.
"""

import hashlib

PUBLISHED_KEY_SHA256: frozenset[str] = frozenset(
    {
        "08b97c6ac37a83cd5f0f608e43527c6525ae02d49b68525cd0cfe2c34de9c2cb",
        "0ef678fc3e2ee0aefbeb0246a1265887a10caae2bf78b398ed9dc8d4d1d518e9",
        "271ebe18cd24f554e0684ca60aa9927e84eb622ff21553161b2187e6bf416cdd",
        "2787f178ead9cbb18e0adca0e1e9e899dc8b3cf62d10899c31e7c698e73e309e",
        "343a5063d9f683c01113170dce83ba63aa23c74ab5147030d37628c76b48982c",
        "348ee83a0c44501c799a0ace8e2006c13013146248c88bbc2d32f4981b1b931b",
        "3a0ed47968cdfac6ab623c41885e002e074669ef39997c01f61763d470a0adb9",
        "3c40d87bd5df68941ba613e310e67633192ea61a368fbf71fc83cf4871b9f921",
        "4c9bb12954bf19175395a7eb94d0133b00cbeec82361152f8155e52478529117",
        "519fd3d32d7a8005127f3728063f29967c75f45b8e48eb8218b19e813195a66b",
        "6435e68ace892b149c7e4253aa62f32e5ab837fb6e74c4ed1f03b238f3d70af2",
        "8b9030ef1a25dc793ad5dc0cfe6dcd9c6be0d4aba3493effcaf49cc7377cb91d",
        "97595170b1d5648a3955c6bd9d9c6fd6c0bf8d7921ebe2a99efbf1764fa77375",
        "a438966387fd7a94acf7f79b5e84cad7b70559f7032fc47715f2de01b6126736",
        "b20432bc566b58e2b372553b18553142a6ef096b4791d5176469b93d404c58d8",
    }
)


def is_published(key: str) -> bool:
    """Was `key` ever written in the repository (so anyone could mint tokens with it)?"""
    return hashlib.sha256(key.encode()).hexdigest() in PUBLISHED_KEY_SHA256
