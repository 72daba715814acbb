"""What the python-fido2 (0.9.1) scripts share: the virtual key over the UDP wire as a CtapHidDevice, a
sign-in verified by Fido2Server, and the JSON report of a run."""
import json
import socket
import sys

from fido2.hid import CtapHidDevice
from fido2.hid.base import CtapHidConnection, HidDescriptor


class UdpCtapHidConnection(CtapHidConnection):
    """CTAPHID reports as UDP datagrams: sent to the key's port, received on our listen port."""

    def __init__(self, host, port, listen_port, timeout=10.0):
        self.target = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", listen_port))
        self.sock.settimeout(timeout)

    def write_packet(self, data):
        self.sock.sendto(bytes(data), self.target)

    def read_packet(self):
        data, _ = self.sock.recvfrom(64)
        return data

    def close(self):
        self.sock.close()


def open_udp_device(host, port, listen_port):
    """The key at host:port as a python-fido2 CtapHidDevice (which does the CTAPHID INIT itself)."""
    conn = UdpCtapHidConnection(host, port, listen_port)
    descriptor = HidDescriptor("udp:%s:%d" % (host, port), 0, 0, 64, 64)
    return CtapHidDevice(descriptor, conn)


def sign_in(server, client, allow, credentials, user_verification, pin=None):
    """Fido2Client.get_assertion on the server's options (allow list `allow`, None for discoverable);
    Fido2Server.authenticate_complete raises unless the first assertion verifies against `credentials`.
    Returns the selection and that first response."""
    request_options, state = server.authenticate_begin(allow, user_verification=user_verification)
    selection = client.get_assertion(request_options["publicKey"], pin=pin)
    response = selection.get_response(0)
    server.authenticate_complete(
        state,
        credentials,
        response.credential_id,
        response.client_data,
        response.authenticator_data,
        response.signature,
    )
    return selection, response


def run(main):
    """Prints what `main` returns as one JSON object; on failure, the error as JSON and exit status 1."""
    try:
        out = main()
    except Exception as e:  # report the failure as JSON for the test, then fail
        print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
        sys.exit(1)
    print(json.dumps(out))
