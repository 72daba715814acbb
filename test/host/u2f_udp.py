"""Drives the virtual key's U2F side over the UDP wire with Debian's python3-fido2 (0.9.1).

An independent CTAP1 client: fido2.ctap1.Ctap1 sends the APDUs, RegistrationData/SignatureData parse and
verify the replies; then Fido2Client (which falls back to CTAP1 when the key has no CBOR capability)
registers and signs in, verified by fido2.server.Fido2Server with attestation "direct" (fido-u2f).
Prints one JSON object; exits 1 on failure.

usage: u2f_udp.py --port N --listen-port N
"""
import argparse
import hashlib
import os

from fido2.client import Fido2Client
from fido2.ctap1 import ApduError, Ctap1
from fido2.hid import CAPABILITY
from fido2.server import Fido2Server

from fido2_udp_support import open_udp_device, run, sign_in


def sha256(data):
    return hashlib.sha256(data).digest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--listen-port", type=int, required=True)
    args = ap.parse_args()

    out = {}
    dev = open_udp_device(args.host, args.port, args.listen_port)
    out["cbor_capability"] = bool(dev.capabilities & CAPABILITY.CBOR)
    ctap1 = Ctap1(dev)
    out["version"] = ctap1.get_version()

    app_param = sha256(b"example.com")
    client_param = os.urandom(32)
    reg = ctap1.register(client_param, app_param)
    reg.verify(app_param, client_param)  # raises unless the attestation signature verifies
    out["register"] = {
        "verified": True,
        "key_handle_length": len(reg.key_handle),
        "public_key_length": len(reg.public_key),
    }

    try:
        ctap1.authenticate(client_param, app_param, reg.key_handle, check_only=True)
        out["check_only"] = "signed"
    except ApduError as e:
        out["check_only"] = "0x%04X" % e.code
    try:
        ctap1.authenticate(client_param, sha256(b"other.example"), reg.key_handle, check_only=True)
        out["check_only_other_app"] = "signed"
    except ApduError as e:
        out["check_only_other_app"] = "0x%04X" % e.code
    try:
        ctap1.authenticate(client_param, app_param, os.urandom(64))
        out["wrong_handle"] = "signed"
    except ApduError as e:
        out["wrong_handle"] = "0x%04X" % e.code

    sig = ctap1.authenticate(client_param, app_param, reg.key_handle)
    sig.verify(app_param, client_param, reg.public_key)
    out["authenticate"] = {"verified": True, "user_presence": sig.user_presence, "counter": sig.counter}

    # The WebAuthn client's CTAP1 fallback, and its server's fido-u2f attestation check.
    server = Fido2Server({"id": "example.com", "name": "Example RP"}, attestation="direct")
    user = {"id": b"user-u2f", "name": "alice", "displayName": "Alice"}
    create_options, state = server.register_begin(user, user_verification="discouraged")
    client = Fido2Client(dev, "https://example.com")
    out["client_uses_ctap1"] = hasattr(client, "ctap1")
    attestation = client.make_credential(create_options["publicKey"])
    auth_data = server.register_complete(state, attestation.client_data, attestation.attestation_object)
    out["webauthn_registration"] = {
        "fmt": attestation.attestation_object.fmt,
        "up": auth_data.is_user_present(),
        "aaguid": bytes(auth_data.credential_data.aaguid).hex(),
    }
    credentials = [auth_data.credential_data]
    _, response = sign_in(server, client, credentials, credentials, "discouraged")
    out["webauthn_assertion"] = {"verified": True, "counter": response.authenticator_data.counter}
    dev.close()
    return out


if __name__ == "__main__":
    run(main)
