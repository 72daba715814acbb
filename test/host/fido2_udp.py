"""Drives the virtual security key over the UDP wire with Debian's python3-fido2 (0.9.1).

An independent CTAP2 client: its CtapHidDevice does CTAPHID framing, its Ctap2 class checks that every
reply is canonical CBOR, its ClientPin does the PIN protocol, and its Fido2Server verifies the
registration and the assertion. Prints one JSON object with what happened; exits 1 on failure.

usage: fido2_udp.py --port N --listen-port N --pin PIN --protocol 1|2 [--wrong-pin PIN]
"""
import argparse

from fido2.client import Fido2Client
from fido2.ctap import CtapError
from fido2.ctap2 import Ctap2
from fido2.ctap2.pin import ClientPin, PinProtocolV1, PinProtocolV2
from fido2.server import Fido2Server

from fido2_udp_support import open_udp_device, run, sign_in


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--listen-port", type=int, required=True)
    ap.add_argument("--pin", required=True)
    ap.add_argument("--protocol", type=int, choices=[1, 2], default=2)
    ap.add_argument("--wrong-pin")
    args = ap.parse_args()

    out = {}
    dev = open_udp_device(args.host, args.port, args.listen_port)
    out["ping"] = dev.ping(b"mfa-bridge ping").decode()
    ctap2 = Ctap2(dev)  # strict_cbor: every reply must be canonical CBOR
    info = ctap2.info
    out["info"] = {
        "versions": list(info.versions),
        "aaguid": bytes(info.aaguid).hex(),
        "options": dict(info.options),
        "pin_protocols": list(info.pin_uv_protocols),
        "max_msg_size": info.max_msg_size,
    }

    protocol = PinProtocolV1() if args.protocol == 1 else PinProtocolV2()
    client_pin = ClientPin(ctap2, protocol)
    if not info.options.get("clientPin"):
        client_pin.set_pin(args.pin)
        out["set_pin"] = True
    out["retries_after_set"] = client_pin.get_pin_retries()[0]

    if args.wrong_pin:
        try:
            client_pin.get_pin_token(
                args.wrong_pin, ClientPin.PERMISSION.GET_ASSERTION, "example.com"
            )
            out["wrong_pin"] = "accepted"
        except CtapError as e:
            out["wrong_pin"] = e.code.name
        out["retries_after_wrong"] = client_pin.get_pin_retries()[0]

    token = client_pin.get_pin_token(args.pin, ClientPin.PERMISSION.GET_ASSERTION, "example.com")
    out["token_length"] = len(token)

    server = Fido2Server({"id": "example.com", "name": "Example RP"}, attestation="direct")
    user = {"id": b"user-1234", "name": "alice", "displayName": "Alice"}
    create_options, state = server.register_begin(
        user, user_verification="required", resident_key=True
    )
    client = Fido2Client(dev, "https://example.com")
    client.client_pin = ClientPin(ctap2, protocol)
    attestation = client.make_credential(create_options["publicKey"], pin=args.pin)
    auth_data = server.register_complete(
        state, attestation.client_data, attestation.attestation_object
    )
    out["registration"] = {
        "fmt": attestation.attestation_object.fmt,
        "uv": auth_data.is_user_verified(),
        "up": auth_data.is_user_present(),
        "alg": auth_data.credential_data.public_key[3],
        "credential_id_length": len(auth_data.credential_data.credential_id),
    }
    credentials = [auth_data.credential_data]

    _, response = sign_in(server, client, credentials, credentials, "required", pin=args.pin)
    out["assertion"] = {
        "verified": True,
        "uv": response.authenticator_data.is_user_verified(),
        "counter": response.authenticator_data.counter,
    }

    # Discoverable: no allow list, the key finds the resident credential itself.
    selection, response = sign_in(server, client, None, credentials, "required", pin=args.pin)
    out["discoverable"] = {
        "verified": True,
        "user_id": bytes(response.user_handle or selection.get_assertions()[0].user["id"]).decode(),
    }
    dev.close()
    return out


if __name__ == "__main__":
    run(main)
