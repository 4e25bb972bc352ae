#!/bin/sh
# make-certs.sh DIR — test certificates for the loopback mail servers (openssl CLI only).
#
# DIR/ca.pem                    the test CA that clients trust (key: ca.key)
# DIR/server.{pem,key}          CN=localhost, SAN DNS:localhost IP:127.0.0.1, signed by ca
# DIR/wronghost.{pem,key}       CN and SAN wrong.example, signed by ca
# DIR/selfsigned.{pem,key}      CN/SAN localhost, self-signed
# DIR/expired.{pem,key}         localhost, signed by ca, valid only in January 2020
# DIR/unknownca.{pem,key}       localhost, signed by DIR/other-ca.pem, which nobody trusts
# DIR/dh.pem                    ffdhe2048 parameters (Dovecot's ssl_dh)
# Each NAME.pem holds the leaf only; NAME-chain.pem holds leaf + issuer for servers that send it.
#
# Idempotent: a complete set is kept (DIR/.complete); concurrent callers are serialised with flock,
# so two tests sharing DIR never see a CA from one run and a leaf from another.
set -eu

dir=${1:?usage: make-certs.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
[ -f "$dir/.complete" ] && exit 0

exec 9>"$dir/.lock"
flock 9
[ -f "$dir/.complete" ] && exit 0

tmp=$(mktemp -d "$dir/.gen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# EC keys: generated in milliseconds, accepted by OpenSSL, GnuTLS (libetpan) and Dovecot alike.
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }

# A CA certificate with proper CA extensions, self-signed.
mkca() { # NAME CN
	newkey "$1"
	openssl req -new -x509 -key "$1.key" -out "$1.pem" -days 3650 -subj "/O=Provider Assistant tests/CN=$2" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}

leaf_ext() { # SAN -> extension file for a TLS server leaf
	printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
		"extendedKeyUsage=serverAuth" "subjectAltName=$1" "subjectKeyIdentifier=hash" \
		"authorityKeyIdentifier=keyid,issuer" > "$2"
}

sign() { # NAME CN SAN CA
	newkey "$1"
	openssl req -new -key "$1.key" -out "$1.csr" -subj "/O=Provider Assistant tests/CN=$2"
	leaf_ext "$3" "$1.ext"
	openssl x509 -req -in "$1.csr" -CA "$4.pem" -CAkey "$4.key" -CAcreateserial -days 3650 \
		-extfile "$1.ext" -out "$1.pem" 2>/dev/null
	cat "$1.pem" "$4.pem" > "$1-chain.pem"
}

mkca ca "Provider Assistant test CA"
mkca other-ca "Untrusted test CA"
sign server localhost "DNS:localhost,IP:127.0.0.1" ca
sign wronghost wrong.example "DNS:wrong.example" ca
sign unknownca localhost "DNS:localhost,IP:127.0.0.1" other-ca

newkey selfsigned
openssl req -new -x509 -key selfsigned.key -out selfsigned.pem -days 3650 -subj "/CN=localhost" \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -addext extendedKeyUsage=serverAuth
cp selfsigned.pem selfsigned-chain.pem

# `openssl x509 -req` (OpenSSL 3.0) cannot set a start date in the past; `openssl ca` can.
newkey expired
openssl req -new -key expired.key -out expired.csr -subj "/O=Provider Assistant tests/CN=localhost"
leaf_ext "DNS:localhost,IP:127.0.0.1" expired.ext
mkdir -p cadb && : > cadb/index.txt && echo 1000 > cadb/serial
cat > ca.cnf <<CNF
[ ca ]
default_ca = testca
[ testca ]
dir = $tmp/cadb
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $tmp/ca.pem
private_key = $tmp/ca.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
organizationName = optional
CNF
openssl ca -batch -config ca.cnf -startdate 20200101000000Z -enddate 20200201000000Z \
	-extfile expired.ext -in expired.csr -out expired.full.pem 2>/dev/null
openssl x509 -in expired.full.pem -out expired.pem
cat expired.pem ca.pem > expired-chain.pem

openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out dh.pem 2>/dev/null

chmod 644 ./*.pem
chmod 640 ./*.key
for f in ca other-ca server wronghost selfsigned expired unknownca; do
	mv -f "$f.pem" "$f.key" "$dir/"
	[ -f "$f-chain.pem" ] && mv -f "$f-chain.pem" "$dir/"
done
mv -f dh.pem "$dir/"
touch "$dir/.complete"
