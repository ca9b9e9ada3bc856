import socket


def send_probe(host, port):
    # open a socket for the probe
    sock = socket.socket(  # tcp
        socket.AF_INET,
        socket.SOCK_STREAM,
    )  # end of the call

    # connect first
    try:
        sock.connect((host, port))  # may raise
        # then say hello
        sock.sendall(b"PING\r\n")
        data = sock.recv(64)
        return data == b"PONG\r\n"  # done
    finally:
        sock.close()
    # trailing comment in the function
