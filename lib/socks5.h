/* SOCKS 5 wire codec: RFC 1928 (method selection, request, reply, UDP
   header), RFC 1929 (username/password), and Tor's RESOLVE/RESOLVE_PTR
   command codes.

   Every decoder is a pure function of (buf, len): it does no I/O and no
   allocation, never reads past LEN, and returns
     SOCKS6_OK     a whole message was decoded; *CONSUMED is its length,
                   so pipelined input (greeting and request in one
                   segment) is handled by decoding again from buf+consumed;
     SOCKS6_AGAIN  the message is incomplete; *CONSUMED is set to the
                   smallest total length that could complete it, so the
                   caller knows how many more bytes to wait for;
     < 0           a SOCKS6_E_* protocol error (see errcode.h).
   Encoders write into a caller buffer and return the number of bytes
   written, or a negative SOCKS6_E_* code (SOCKS6_E_SPACE when the buffer is
   too small).

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#ifndef SOCKS6_SOCKS5_H
#define SOCKS6_SOCKS5_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "errcode.h"

#define SOCKS5_VERSION 0x05
#define SOCKS5_USERPASS_VERSION 0x01

/* Authentication methods (RFC 1928 section 3).  */
enum socks5_method
{
  SOCKS5_METHOD_NONE = 0x00,
  SOCKS5_METHOD_GSSAPI = 0x01,
  SOCKS5_METHOD_USERPASS = 0x02,
  SOCKS5_METHOD_UNACCEPTABLE = 0xFF
};

/* Commands (RFC 1928 section 4, and Tor's extension).  */
enum socks5_command
{
  SOCKS5_CMD_CONNECT = 0x01,
  SOCKS5_CMD_BIND = 0x02,
  SOCKS5_CMD_UDP_ASSOCIATE = 0x03,
  SOCKS5_CMD_RESOLVE = 0xF0,
  SOCKS5_CMD_RESOLVE_PTR = 0xF1
};

/* Largest encoded sizes, for sizing buffers.  */
#define SOCKS5_GREETING_MAX (2 + 255)
#define SOCKS5_USERPASS_MAX (3 + 255 + 255)
#define SOCKS5_REQUEST_MAX (4 + 1 + 255 + 2)   /* also the reply */
#define SOCKS5_UDP_HEADER_MAX (4 + 1 + 255 + 2)

/* Client -> server: VER NMETHODS METHODS.  */
struct socks5_greeting
{
  uint8_t nmethods;
  uint8_t methods[255];
};

/* Client -> server, RFC 1929: VER ULEN UNAME PLEN PASSWD.
   The strings are NUL-terminated copies; LEN gives their true length
   (they may contain NUL octets, which the caller should reject).  */
struct socks5_userpass
{
  uint8_t user_len;
  uint8_t pass_len;
  char user[256];
  char pass[256];
};

/* Client -> server: VER CMD RSV ATYP DST.ADDR DST.PORT.  CMD is any octet:
   the server decides whether it supports it (reply 07 otherwise).  */
struct socks5_request
{
  uint8_t command;
  uint8_t reserved;             /* should be 0; kept so a checker can see */
  struct socks6_addr dst;
};

/* Server -> client: VER REP RSV ATYP BND.ADDR BND.PORT.  */
struct socks5_reply
{
  uint8_t reply;                /* enum socks5_reply_code, replycode.h */
  uint8_t reserved;
  struct socks6_addr bound;
};

/* UDP datagram header: RSV(2) FRAG ATYP DST.ADDR DST.PORT DATA.
   *CONSUMED is the header length; the data follows it.  */
struct socks5_udp_header
{
  uint8_t frag;
  struct socks6_addr dst;
};

/* Decoders (see the top of this file for the return contract).  */
extern int socks5_decode_greeting (const uint8_t *buf, size_t len,
                                   struct socks5_greeting *out,
                                   size_t *consumed);
extern int socks5_decode_method_reply (const uint8_t *buf, size_t len,
                                       uint8_t *method, size_t *consumed);
extern int socks5_decode_userpass (const uint8_t *buf, size_t len,
                                   struct socks5_userpass *out,
                                   size_t *consumed);
extern int socks5_decode_userpass_reply (const uint8_t *buf, size_t len,
                                         uint8_t *status, size_t *consumed);
extern int socks5_decode_request (const uint8_t *buf, size_t len,
                                  struct socks5_request *out,
                                  size_t *consumed);
extern int socks5_decode_reply (const uint8_t *buf, size_t len,
                                struct socks5_reply *out, size_t *consumed);
extern int socks5_decode_udp_header (const uint8_t *buf, size_t len,
                                     struct socks5_udp_header *out,
                                     size_t *consumed);

/* Encoders.  ADDR of type SOCKS6_ADDR_NAME is written as ATYP=3 with its
   wire octets as they are (convert user input with name.h first).  */
extern ssize_t socks5_encode_greeting (uint8_t *buf, size_t size,
                                       const uint8_t *methods,
                                       size_t nmethods);
extern ssize_t socks5_encode_method_reply (uint8_t *buf, size_t size,
                                           uint8_t method);
extern ssize_t socks5_encode_userpass (uint8_t *buf, size_t size,
                                       const char *user, size_t user_len,
                                       const char *pass, size_t pass_len);
extern ssize_t socks5_encode_userpass_reply (uint8_t *buf, size_t size,
                                             uint8_t status);
extern ssize_t socks5_encode_request (uint8_t *buf, size_t size,
                                      uint8_t command,
                                      const struct socks6_addr *dst);
extern ssize_t socks5_encode_reply (uint8_t *buf, size_t size, uint8_t reply,
                                    const struct socks6_addr *bound);
extern ssize_t socks5_encode_udp_header (uint8_t *buf, size_t size,
                                         uint8_t frag,
                                         const struct socks6_addr *dst);

/* Names for messages and logs: "CONNECT", "BIND", "UDP ASSOCIATE",
   "RESOLVE", "RESOLVE_PTR", else NULL.  */
extern const char *socks5_command_name (uint8_t command);
/* "no authentication", "GSS-API", "username/password",
   "no acceptable methods", else NULL.  Translated.  */
extern const char *socks5_method_name (uint8_t method);

#endif /* SOCKS6_SOCKS5_H */
