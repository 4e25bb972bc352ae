/* Provider Assistant — diagnosis (see mpa-diagnose.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How a failure is matched (on meaning, not on one provider's exact sentence):
 *
 *  1. The failure's codes are classified first: the network/TLS outcome, the IMAP response code
 *     (RFC 5530), the SMTP enhanced status code (RFC 3463/4954/5248) and the SMTP reply code.
 *     A code is EXACT (it names the cause by itself: 5.7.9, 5.7.139, [LIMIT], a certificate
 *     error...), CLASS (it names a family, e.g. a 4xx transient failure, that wording may refine
 *     within the family) or WEAK (535, [AUTHENTICATIONFAILED], 550...: many causes share it).
 *  2. The provider's rules, in file order.  A rule that names a code or a regular expression may
 *     always win; a catch-all rule (neither) is skipped when the code is EXACT or CLASS, so that a
 *     provider's "any auth failure means the independent password" does not hide "server busy".
 *  3. An EXACT code.
 *  4. Wording rules (English and Chinese phrases) on the decoded reply; every rule that matches
 *     adds its cause, in table order, so a reply that lists several reasons yields all of them.
 *  5. The code's fallback (WEAK or CLASS), then what the stage alone says (an IMAP NO to LOGIN is
 *     a refused login), else "unknown".
 *
 * A generic authentication failure ("@auth" below) is expanded according to the provider's
 * password kind: app-password first at providers that want one, OAuth2 first at OAuth2-only
 * providers, the plain wrong password otherwise.
 *
 * Language: @lang NULL uses gettext (the process locale) and mpa_text_get(); an explicit @lang
 * reads the catalogue of that language (mpa-mo.h).  The code is a row of small steps, try_...(),
 * tried in the order above until one answers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libintl.h>
#include <glib/gi18n-lib.h>
#include "mpa-diagnose.h"
#include "mpa-text.h"
#include "mpa-reply.h"
#include "mpa-mo.h"

#define AUTH_GENERIC "@auth"

/* ---- Generic texts ---------------------------------------------------------------------- */

typedef struct {
	const gchar *id;
	const gchar *title;
	const gchar *fix;
} CauseText;

static const CauseText cause_texts[] = {
	{ MPA_CAUSE_APP_PASSWORD_REQUIRED,
	  N_("Use the app password (authorization code), not your login password"),
	  N_("This provider does not accept your web login password in mail programs.\n"
	     "1. Log in to your mailbox in a web browser and open its settings (the page is usually called POP3/SMTP/IMAP, Accounts or Security).\n"
	     "2. Switch IMAP/SMTP on if it is off.\n"
	     "3. Create the password for mail programs. Providers call it an app password, authorization code (授权码) or independent password (独立密码); some send an SMS code first.\n"
	     "4. Copy it at once (it is often shown only once) and enter it as the password here instead of your login password.") },
	{ MPA_CAUSE_SERVICE_DISABLED,
	  N_("IMAP/SMTP access is switched off for this mailbox"),
	  N_("Many providers switch mail-program access off until you turn it on yourself.\n"
	     "1. Log in to your mailbox in a web browser.\n"
	     "2. Open Settings and find the POP3/SMTP/IMAP page (Gmail: \"Forwarding and POP/IMAP\").\n"
	     "3. Switch IMAP/SMTP on and save. If the provider then offers an app password or authorization code, use it as the password here.\n"
	     "4. Wait a few minutes and test again.") },
	{ MPA_CAUSE_IP_NOT_ALLOWED,
	  N_("The server does not accept connections from your network (IP address)"),
	  N_("1. If you turned on an IP whitelist (list of allowed IP addresses) in the mailbox settings, turn it off or add your current address. Home broadband, mobile data and Wi-Fi change addresses often, so a whitelist only suits a fixed company IP range.\n"
	     "2. If you use a VPN or proxy, try without it, or try another network.\n"
	     "3. If the provider blocked your address (for example after spam from your network), wait or contact its support.") },
	{ MPA_CAUSE_CLIENT_ID_REQUIRED,
	  N_("The server wants the mail program to identify itself (IMAP ID)"),
	  N_("The login worked, but the server refused to open the mailbox (NetEase calls this \"Unsafe Login\"): it expects the IMAP ID command, which Claws Mail does not send on its own.\n"
	     "1. Log in to the web mail and confirm any security notice about a new mail program.\n"
	     "2. Make sure you use the authorization code as the password, not the login password.\n"
	     "3. If it keeps failing, receive mail with POP3 instead: create a new POP3 account (Claws Mail cannot change an existing account's protocol) with the provider's POP3 server, SSL/TLS, port 995; sending with SMTP is not affected.") },
	{ MPA_CAUSE_RATE_LIMITED,
	  N_("Too many logins or messages: the server is slowing this account down"),
	  N_("1. Stop trying for a while (15 minutes to a few hours); every new attempt can extend the block.\n"
	     "2. Make sure no other phone or computer keeps trying an old password, and let Claws Mail check for new mail no more often than every 10 minutes.\n"
	     "3. Send fewer messages a day and space them out; a personal mailbox is not made for bulk mail.") },
	{ MPA_CAUSE_MESSAGE_REJECTED_SPAM,
	  N_("The message was refused as spam"),
	  N_("1. Do not send the same text to many recipients at once; send to fewer people and write a personal subject and text.\n"
	     "2. Remove link shorteners, large attachments and advertising phrases, then try again later.\n"
	     "3. If it keeps happening, follow the help link in the server's answer or contact the provider.") },
	{ MPA_CAUSE_SENDER_NOT_ALLOWED,
	  N_("The server does not let this account send with this sender address"),
	  N_("1. Make sure the From address of the account is exactly the mailbox you log in with.\n"
	     "2. Make sure SMTP authentication is on (Account → Send → SMTP Authentication) with the same user name and password as for receiving.\n"
	     "3. To send from another address, first add and verify it in the web mail's settings.") },
	{ MPA_CAUSE_OAUTH_REQUIRED,
	  N_("This provider no longer accepts passwords: sign in with OAuth2"),
	  N_("1. In Claws Mail open the account's preferences, page OAuth2, choose the provider and authorize the account in the browser.\n"
	     "2. Set the authentication method for receiving and for sending to OAuth2.\n"
	     "3. If your school or company manages the account, ask its administrator to allow IMAP/SMTP for it.") },
	{ MPA_CAUSE_ACCOUNT_LOCKED,
	  N_("The account is locked or waits for a security check"),
	  N_("1. Log in to the web mail in a browser and complete any security prompt (confirm it was you, verify by phone, change the password).\n"
	     "2. If the account is frozen or suspended, follow the provider's instructions to unlock it or contact its support.\n"
	     "3. Then test again here.") },
	{ MPA_CAUSE_TEMPORARY_FAILURE,
	  N_("The server has a temporary problem"),
	  N_("Nothing in this answer points at your settings. Wait a few minutes and test again. If it still fails after an hour, check the provider's service status or contact its support.") },
	{ MPA_CAUSE_WRONG_CREDENTIALS,
	  N_("The user name or password was not accepted"),
	  N_("1. Check the user name: most providers want the full e-mail address.\n"
	     "2. Type the password again (watch Caps Lock and the keyboard layout); a pasted password may carry a space.\n"
	     "3. If the provider uses an app password or authorization code, enter that, and create a new one if you changed your login password or deleted the old code.\n"
	     "4. Log in to the web mail to check that the account works and is not locked.") },
	{ MPA_CAUSE_DNS_FAILURE,
	  N_("The server name could not be found"),
	  N_("1. Check that this computer is online (open a web page).\n"
	     "2. Check the server name for typing mistakes.\n"
	     "3. If web pages work, your network's name service may be failing: try again later or on another network.") },
	{ MPA_CAUSE_CONNECTION_REFUSED,
	  N_("The server refused the connection"),
	  N_("1. Check the server name and port (IMAP: 993 with SSL/TLS; SMTP: 465 with SSL/TLS or 587 with STARTTLS).\n"
	     "2. A firewall, antivirus program or the network (hotel, company, some mobile networks) may block mail ports: try another network.\n"
	     "3. If all settings are right, the server may be down: try again later.") },
	{ MPA_CAUSE_TIMEOUT,
	  N_("The server did not answer in time"),
	  N_("1. Check the port and security setting: an SSL/TLS port used without SSL/TLS (or the reverse) often just stays silent.\n"
	     "2. A firewall, VPN or the network may drop mail traffic: try another network.\n"
	     "3. Try again later; the server may be overloaded.") },
	{ MPA_CAUSE_CONNECTION_CLOSED,
	  N_("The server closed the connection"),
	  N_("1. Check the port and the security setting (SSL/TLS or STARTTLS).\n"
	     "2. Some providers hang up on networks they do not allow (IP whitelist) or after too many attempts: check the mailbox's security settings and wait a while.\n"
	     "3. Try again later.") },
	{ MPA_CAUSE_TLS_HANDSHAKE_FAILED,
	  N_("A secure (TLS) connection could not be set up"),
	  N_("1. Match the security setting to the port: 993 and 465 use SSL/TLS, 143 and 587 use STARTTLS.\n"
	     "2. An antivirus program or company proxy that inspects encrypted traffic can break the connection: try another network.\n"
	     "3. Do not switch encryption off to get around this: your password would travel readable by anyone on the way.") },
	{ MPA_CAUSE_CERTIFICATE_UNTRUSTED,
	  N_("The server's certificate is not trusted"),
	  N_("The certificate is not signed by an authority this computer trusts: a misconfigured server, a company proxy, or someone intercepting the connection.\n"
	     "1. Check the server name: use the provider's official host name.\n"
	     "2. Try another network (some public Wi-Fi and proxies intercept connections).\n"
	     "3. Do not accept the certificate unless your administrator confirms it.") },
	{ MPA_CAUSE_CERTIFICATE_EXPIRED,
	  N_("The server's certificate has expired or is not valid yet"),
	  N_("1. Check the date and time of this computer: a wrong clock makes valid certificates look expired.\n"
	     "2. If the clock is right, the provider has to renew its certificate: try again later, and do not accept the certificate.") },
	{ MPA_CAUSE_CERTIFICATE_HOSTNAME_MISMATCH,
	  N_("The certificate does not belong to this server name"),
	  N_("1. Use the provider's exact server name (for example imap.sohu.com), not an IP address or another alias.\n"
	     "2. If the name is right, something on the network may be intercepting the connection: try another network.") },
	{ MPA_CAUSE_PROTOCOL_ERROR,
	  N_("The server's answer did not make sense"),
	  N_("1. Check the port: a mail program talking to a web server or another service gets answers it cannot read.\n"
	     "2. Check that the receiving server is an IMAP server and the sending server an SMTP server.\n"
	     "3. If the settings are right, try again later.") },
	{ MPA_CAUSE_ENCRYPTION_REQUIRED,
	  N_("The server wants an encrypted connection before the login"),
	  N_("The server refuses the login over an unencrypted connection, or does not even offer it there. This is not a password problem.\n"
	     "1. Set the connection security to SSL/TLS with port 465 for sending and 993 for receiving, or to STARTTLS with ports 587 and 143.\n"
	     "2. Do not use \"no encryption\" or port 25 for a mail program.\n"
	     "3. Then try again with the same password.") },
	{ MPA_CAUSE_TLS_OUTDATED,
	  N_("The server offers only outdated TLS (older than 1.2)"),
	  N_("The server agreed only on TLS 1.0 or 1.1, which is no longer safe; browsers and Thunderbird refuse it too. Nothing was sent to it. Your settings and password are not the problem.\n"
	     "1. Check the server name: use the provider's official host name. A server that speaks only outdated TLS may not be the provider's server at all (an old proxy, or someone intercepting the connection): try another network.\n"
	     "2. If it is the provider's server, the provider must upgrade it: tell its support.\n"
	     "3. Do not switch encryption off to get around this: your password would travel readable by anyone on the way.") },
	{ MPA_CAUSE_PREAUTH_UNENCRYPTED,
	  N_("The server skipped both encryption and login (PREAUTH)"),
	  N_("The connection was to be encrypted with STARTTLS, but the server, or someone between you and it, answered that you are logged in already, before any encryption and without a password. Everything on such a connection is readable by anyone on the way, so nothing was sent.\n"
	     "1. Do not use this network or this server: someone may be intercepting the connection (public Wi-Fi, a hostile proxy).\n"
	     "2. Check the server name: use the provider's official host name.\n"
	     "3. Try again on another network, or with SSL/TLS on port 993, which is encrypted from the first byte.") },
	{ MPA_CAUSE_UNKNOWN,
	  N_("The failure could not be identified"),
	  N_("The server's own words are shown below; they usually say what is wrong.\n"
	     "1. Check the address, password and server settings again.\n"
	     "2. Log in to the web mail to see whether the account shows a warning.\n"
	     "3. If you ask the provider's support, give them the server's answer exactly as shown.") },
};

static const gchar *text_get(const MpaText *text, const gchar *lang)
{
	if (text == NULL)
		return NULL;
	return lang != NULL ? mpa_text_get_lang(text, lang) : mpa_text_get(text);
}

/* ---- Generic rules ----------------------------------------------------------------------- */

typedef enum {
	WEAK,
	CLASS,
	EXACT
} Strength;
typedef enum {
	KIND_IMAP,
	KIND_ENHANCED,
	KIND_SMTP
} CodeKind;

typedef struct {
	CodeKind kind;
	const gchar *codes; /* space separated; IMAP atoms; enhanced "5.7.9" or prefix "4.7.";
			     * SMTP "535" or "4xx" */
	guint stages;       /* STAGE() bits; 0: any stage */
	Strength strength;
	const gchar *cause;      /* a cause id or AUTH_GENERIC */
	const gchar *candidates; /* space separated, may be NULL */
	const gchar *refine;     /* CLASS: the causes wording may turn it into; NULL: any */
} CodeRule;

#define ANY (-1)
#define STAGE(s) (1u << (s))
#define TRANSIENT "rate-limited temporary-failure ip-not-allowed account-locked"

/* The first row that matches is the code's meaning.  Codes that mean the same share a row. */
static const CodeRule code_rules[] = {
	/* IMAP response codes, RFC 5530 and friends */
	{ KIND_IMAP, "AUTHENTICATIONFAILED", 0, WEAK, AUTH_GENERIC, NULL, NULL },
	{ KIND_IMAP, "AUTHORIZATIONFAILED", 0, WEAK, MPA_CAUSE_SERVICE_DISABLED,
	  "account-locked wrong-credentials", NULL },
	{ KIND_IMAP, "EXPIRED", 0, EXACT, MPA_CAUSE_WRONG_CREDENTIALS, "account-locked", NULL },
	{ KIND_IMAP, "CONTACTADMIN", 0, EXACT, MPA_CAUSE_ACCOUNT_LOCKED, "service-disabled", NULL },
	{ KIND_IMAP, "UNAVAILABLE", 0, CLASS, MPA_CAUSE_TEMPORARY_FAILURE, "rate-limited", TRANSIENT },
	{ KIND_IMAP, "INUSE", 0, CLASS, MPA_CAUSE_TEMPORARY_FAILURE, NULL, TRANSIENT },
	{ KIND_IMAP, "SERVERBUG", 0, EXACT, MPA_CAUSE_TEMPORARY_FAILURE, NULL, NULL },
	{ KIND_IMAP, "PRIVACYREQUIRED", 0, EXACT, MPA_CAUSE_ENCRYPTION_REQUIRED, NULL, NULL },
	{ KIND_IMAP, "LIMIT OVERQUOTA", 0, EXACT, MPA_CAUSE_RATE_LIMITED, NULL, NULL },
	{ KIND_IMAP, "NOPERM", STAGE(MPA_STAGE_SELECT), WEAK, MPA_CAUSE_SERVICE_DISABLED,
	  "account-locked", NULL },
	/* SMTP enhanced status codes: the precise ones before their families */
	{ KIND_ENHANCED, "5.7.139", 0, EXACT, MPA_CAUSE_OAUTH_REQUIRED, "service-disabled", NULL },
	{ KIND_ENHANCED, "5.7.9", 0, EXACT, MPA_CAUSE_APP_PASSWORD_REQUIRED, "oauth-required", NULL },
	{ KIND_ENHANCED, "5.7.14", 0, EXACT, MPA_CAUSE_ACCOUNT_LOCKED, "app-password-required", NULL },
	{ KIND_ENHANCED, "5.7.11", 0, EXACT, MPA_CAUSE_ENCRYPTION_REQUIRED, NULL, NULL },
	{ KIND_ENHANCED, "5.7.12 4.7.12", 0, EXACT, MPA_CAUSE_WRONG_CREDENTIALS, NULL, NULL },
	{ KIND_ENHANCED, "5.7.8", 0, WEAK, AUTH_GENERIC, NULL, NULL },
	{ KIND_ENHANCED, "5.7.60", 0, EXACT, MPA_CAUSE_SENDER_NOT_ALLOWED, NULL, NULL },
	{ KIND_ENHANCED, "5.7.57", 0, WEAK, MPA_CAUSE_WRONG_CREDENTIALS, "sender-not-allowed", NULL },
	{ KIND_ENHANCED, "5.4.5", 0, EXACT, MPA_CAUSE_RATE_LIMITED, NULL, NULL },
	{ KIND_ENHANCED, "5.7.1", STAGE(MPA_STAGE_AUTH), WEAK, AUTH_GENERIC, NULL, NULL },
	{ KIND_ENHANCED, "5.7.1", STAGE(MPA_STAGE_SEND), WEAK, MPA_CAUSE_SENDER_NOT_ALLOWED,
	  "message-rejected-spam ip-not-allowed", NULL },
	{ KIND_ENHANCED, "4.7.0", 0, CLASS, MPA_CAUSE_TEMPORARY_FAILURE, "rate-limited", TRANSIENT },
	{ KIND_ENHANCED, "4.7.", 0, CLASS, MPA_CAUSE_RATE_LIMITED, "temporary-failure", TRANSIENT },
	{ KIND_ENHANCED, "4.", 0, CLASS, MPA_CAUSE_TEMPORARY_FAILURE, "rate-limited", TRANSIENT },
	/* SMTP reply codes, RFC 5321/4954 */
	{ KIND_SMTP, "534", 0, EXACT, MPA_CAUSE_APP_PASSWORD_REQUIRED, "oauth-required", NULL },
	{ KIND_SMTP, "538", 0, EXACT, MPA_CAUSE_ENCRYPTION_REQUIRED, NULL, NULL },
	{ KIND_SMTP, "535 530", 0, WEAK, AUTH_GENERIC, NULL, NULL },
	/* 421 (closing) and 454 (temporary auth failure) named for the reader; every 4xx is transient */
	{ KIND_SMTP, "421 454 4xx", 0, CLASS, MPA_CAUSE_TEMPORARY_FAILURE, "rate-limited", TRANSIENT },
	{ KIND_SMTP, "554", STAGE(MPA_STAGE_CONNECT) | STAGE(MPA_STAGE_GREETING), WEAK,
	  MPA_CAUSE_IP_NOT_ALLOWED, "rate-limited temporary-failure", NULL },
	{ KIND_SMTP, "550 554", STAGE(MPA_STAGE_SEND), WEAK, MPA_CAUSE_MESSAGE_REJECTED_SPAM,
	  "sender-not-allowed rate-limited", NULL },
	{ KIND_SMTP, "553", STAGE(MPA_STAGE_SEND), WEAK, MPA_CAUSE_SENDER_NOT_ALLOWED,
	  "message-rejected-spam", NULL },
	{ KIND_SMTP, "550", STAGE(MPA_STAGE_AUTH), WEAK, MPA_CAUSE_SERVICE_DISABLED,
	  "account-locked wrong-credentials", NULL },
	{ KIND_SMTP, "500 501 502", 0, WEAK, MPA_CAUSE_PROTOCOL_ERROR, NULL, NULL },
	{ KIND_SMTP, "504", 0, WEAK, MPA_CAUSE_PROTOCOL_ERROR, "oauth-required", NULL },
	{ KIND_SMTP, "5xx", STAGE(MPA_STAGE_AUTH), WEAK, AUTH_GENERIC, NULL, NULL },
};

typedef struct {
	gint protocol; /* MpaProtocol or -1 */
	const gchar *pattern;
	const gchar *cause;
	const gchar *candidates;
	GRegex *re;
} WordRule;

/* Most specific first: when several match, the first is the most likely cause.  The plain
 * "authentication failed" family comes last: it is said alongside almost every other reason. */
static WordRule word_rules[] = {
	{ MPA_PROTOCOL_IMAP, "unsafe login|不安全(的)?登录|\\bID command", MPA_CAUSE_CLIENT_ID_REQUIRED, NULL, NULL },
	/* a login refused because the connection is not encrypted (STARTTLS not done, SSL/TLS off) */
	{ ANY, "(must|should) issue (a )?STARTTLS|STARTTLS (command )?(is )?required|requires? (a )?STARTTLS|"
	       "encryption (is )?required|privacy required|requires? (an? )?(SSL|TLS|secure|encrypted) (connection|channel|session)(?! or the client)|"
	       "without (SSL|TLS|SSL/TLS|encryption)[^.;]{0,30}(not allowed|not permitted|disabled|forbidden)|"
	       "(SSL|TLS|encryption)[^.;]{0,20}required|"
	       "plain ?text (auth\\w*|log ?in|passwords?)[^.;]{0,30}(disallowed|not allowed|not permitted|disabled)|"
	       "log ?ins? (is |are )?(only )?(allowed|permitted) (only )?(over|with|via) (SSL|TLS|an encrypted|a secure)|"
	       "over (an )?(unencrypted|insecure|non-?secure) (connection|channel)|"
	       "\\bAUTH\\b( command| LOGIN| PLAIN)?[^.;]{0,12}(not (available|allowed|offered|supported|enabled|permitted)|disabled)|"
	       "\\bauthentication (is |was )?not (enabled|available|offered|allowed|permitted)|"
	       "no (form of |supported )?auth(entication|ori[sz]ation)? (method|mechanism)s? (is |are )?(supported|available)|"
	       "SMTP AUTH is required|需要(SSL|TLS|加密)|(SSL|TLS)加密",
	  MPA_CAUSE_ENCRYPTION_REQUIRED, "@auth", NULL },
	{ ANY, "basic auth(entication)? (is )?disabled|oauth ?2?(\\.0)? (is )?required|use oauth|"
	       "modern authentication|SmtpClientAuthentication is disabled",
	  MPA_CAUSE_OAUTH_REQUIRED, NULL, NULL },
	{ ANY, "app(lication)?[- ](specific )?password|aplication password|authori[sz]ation code|授权码|独立密码|"
	       "客户端(专用)?密码|专用密码|InvalidSecondFactor|second factor|"
	       "parol prilozheniya|пароль (для )?(внешн|приложени)",
	  MPA_CAUSE_APP_PASSWORD_REQUIRED, NULL, NULL },
	{ ANY, "white ?list|allow ?list|白名单|"
	       "\\bIP\\b[^.;]{0,30}(not (allowed|permitted|authori[sz]ed)|denied|blocked|banned|rejected|refused|限制|不允许|禁止|拒绝)|"
	       "(not allowed|denied|blocked|banned|rejected|refused|不允许|禁止|拒绝)[^.;]{0,30}\\bIP\\b|"
	       "client host [^;]{0,60}(rejected|blocked)|access denied for",
	  MPA_CAUSE_IP_NOT_ALLOWED, NULL, NULL },
	/* the sender before "rejected"/"spam": a refusal that names the From address is about it;
	 * "sender must match / is not the same as the login" wins over the code's class too
	 * (strong_words below) */
	{ MPA_PROTOCOL_SMTP, "sender (address )?(rejected|not allowed|denied|refused|invalid)|"
			     "mail ?from( address)? (must|should) (equal|match|be)|"
			     /* the sender (From, envelope) must match / does not match the login */
			     "(\\bsender( address| header| domain)?|\\bfrom (address|header|field|domain)|envelope[- ]from|mail ?from)[^.;:]{0,20}?"
			     "((must|should|has to|needs to) (match|equal|be (the )?same as|be identical to)|"
			     "(is not|isn't|does not|doesn't|did not|didn't|do not|don't|not) (match(ing)?|(the )?same as|equal( to)?|identical to)|"
			     "differs? from|(is )?different from|mismatch(es|ed)?( with)?)"
			     "[^.;]{0,30}?(log ?in|logged[- ]?in|authenticated|auth(enticated)? user|account|user ?name|\\buser\\b)|"
			     "(log ?in|logged[- ]?in|authenticated|auth) (user|account|name|identity)[^.;]{0,20}"
			     "(and|vs\\.?|versus) (the )?(sender|from)[^.;]{0,30}(must|should|do not|don't|not) (match|equal|be the same)|"
			     "(must|should) be (the )?same as (the )?(authori[sz]ation|authenticated|auth|login) user|"
			     "same as (the )?(authori[sz]ation|authenticated|login) user|"
			     "doesn't conform with auth|does not conform with auth|"
			     "send(ing)? as (this|that|the) (sender|user|address)|permissions? to send as|SendAsDenied|send ?as denied|"
			     "not (authori[sz]ed|allowed|permitted) to send( mail)? (as|from|on behalf)|"
			     "from address[^.;]{0,40}(not|isn't|doesn't|must|differ)|not one of your|"
			     "\\blocal user only|"
			     "发件人|发信人[^，。]{0,10}(不一致|不符|不匹配)|"
			     "relay(ing)? (access )?(denied|not permitted)|does not (own|match) (the )?(sender|from)",
	  MPA_CAUSE_SENDER_NOT_ALLOWED, NULL, NULL },
	{ MPA_PROTOCOL_SMTP, "spam|junk|垃圾|\\bSPM\\b|content (was )?rejected|suspicious|"
			     "block ?list|black ?list|reputation",
	  MPA_CAUSE_MESSAGE_REJECTED_SPAM, NULL, NULL },
	{ ANY, "service (is )?not (open|opened|enabled|activated)|"
	       "(imap|pop3?|smtp)[^.;]{0,40}(not (enabled|open|opened|activated|allowed|permitted)|disabled|is off|turned off)|"
	       "not enabled for (imap|pop|smtp)|has no permission|no permission|"
	       "service (is |has been )?(closed|turned off|switched off)|"
	       "not (allowed|permitted|authori[sz]ed) to use (imap|pop3?|smtp)|access rights to (this|the) service|"
	       "未开启|未开通|没有开启|没有开通|未启用|服务未开|服务已关闭|无权限|没有权限|无权使用|权限不足",
	  MPA_CAUSE_SERVICE_DISABLED, NULL, NULL },
	{ ANY, "too many|too fast|frequen|rate limit|频率|频繁|过快|limit(ed)? exceed|exceeded [^.;]{0,30}limit|"
	       "sending limit|daily [^.;]{0,20}limit|发送[^，。]{0,10}(超|上限)|上限|throttl|"
	       /* a count per period, a sending quota: the provider's limit, whatever the code says */
	       "(messages?|mails?|e-?mails?|recipients?) (per|a|each|every) (day|hour|minute)|"
	       "send(ing)? quota|每(天|日|小时)[^，。]{0,10}(封|次)|"
	       "authenticate too many|(次数|错误)[^，。]{0,10}过多",
	  MPA_CAUSE_RATE_LIMITED, "account-locked", NULL },
	{ ANY, "account (is |has been )?(locked|suspended|disabled|frozen|blocked|abnormal)|"
	       "(user|mailbox) (is |has been )?(locked|suspended|frozen)|\\blocked\\b|冻结|锁定|异常|停用|封禁|"
	       "log ?in (via|through|with) (your )?web browser|web login required|verify (it'?s you|your account)|"
	       "sign in to your account|contact (your )?(administrator|admin)",
	  MPA_CAUSE_ACCOUNT_LOCKED, NULL, NULL },
	{ ANY, "(please )?try again( later)?$|try again later|temporar|system is busy|server (is )?busy|系统繁忙|服务器繁忙|系统忙|"
	       "请稍后|稍后再试|maintenance",
	  MPA_CAUSE_TEMPORARY_FAILURE, NULL, NULL },
	{ ANY, "auth(entication)? (failed|failure|unsuccessful|error|rejected)|"
	       "log ?in (fail|failed|error|failure|incorrect|denied|rejected)|log ?in to (the )?server [^;]{0,100}? failed|"
	       "invalid (credentials|password|login|user)|bad (password|credentials|user)|"
	       "(password|credentials?) (is |are |was )?(incorrect|wrong|invalid|error|not accepted)|"
	       "password error|username and password|incorrect (username|user name|password)|login or password|"
	       "认证失败|验证失败|登录失败|登陆失败|密码错误|"
	       "用户名或密码|帐号或密码|账号或密码|密码不正确|口令错误",
	  AUTH_GENERIC, NULL, NULL },
	/* .NET's own words around every refusal before or at MAIL FROM: the server's part says more */
	{ MPA_PROTOCOL_SMTP, "requires a secure connection or the client (was|is) not authenticated|"
			     "authentication (is )?required",
	  MPA_CAUSE_ENCRYPTION_REQUIRED, "@auth", NULL },
};

/* Causes that wording may name even against the family of a code ("451 4.7.1 sender must match the
 * login" is about the sender, not a passing failure). */
static const gchar *const strong_words[] = {
	MPA_CAUSE_SENDER_NOT_ALLOWED, MPA_CAUSE_ENCRYPTION_REQUIRED, MPA_CAUSE_OAUTH_REQUIRED,
	MPA_CAUSE_CLIENT_ID_REQUIRED, NULL
};

static GRegex *word_regex(guint i)
{
	static gsize once;

	if (g_once_init_enter(&once)) {
		for (guint k = 0; k < G_N_ELEMENTS(word_rules); k++) {
			g_autoptr(GError) error = NULL;

			word_rules[k].re = g_regex_new(word_rules[k].pattern,
						       G_REGEX_CASELESS, 0, &error);
			/* the table is ours: a broken pattern is a programming error */
			g_assert_no_error(error);
		}
		g_once_init_leave(&once, 1);
	}
	return word_rules[i].re;
}

/* One code of a rule against the failure's code of that kind. */
static gboolean code_matches(CodeKind kind, const gchar *code, const gchar *imap_code,
			     guint smtp_code, const gchar *enhanced)
{
	switch (kind) {
	case KIND_IMAP:
		return g_ascii_strcasecmp(imap_code, code) == 0;
	case KIND_ENHANCED:
		if (g_str_has_suffix(code, "."))
			return g_str_has_prefix(enhanced, code);
		return strcmp(enhanced, code) == 0;
	case KIND_SMTP:
		if (strcmp(code + 1, "xx") == 0)
			return smtp_code / 100 == (guint)(code[0] - '0');
		return smtp_code == (guint)atoi(code);
	}
	return FALSE;
}

static gboolean code_rule_matches(const CodeRule *r, const MpaFailure *f, const gchar *imap_code,
				  guint smtp_code, const gchar *enhanced)
{
	g_auto(GStrv) codes = NULL;
	gboolean have;

	if (r->stages != 0 &&
	    ((guint)f->stage >= MPA_STAGE_COUNT || (r->stages & STAGE(f->stage)) == 0))
		return FALSE;
	switch (r->kind) {
	case KIND_IMAP:
		have = f->protocol == MPA_PROTOCOL_IMAP && imap_code != NULL;
		break;
	case KIND_ENHANCED:
		have = f->protocol == MPA_PROTOCOL_SMTP && enhanced != NULL;
		break;
	default:
		have = f->protocol == MPA_PROTOCOL_SMTP && smtp_code != 0;
		break;
	}
	if (!have)
		return FALSE;
	codes = g_strsplit(r->codes, " ", -1);
	for (guint i = 0; codes[i] != NULL; i++)
		if (code_matches(r->kind, codes[i], imap_code, smtp_code, enhanced))
			return TRUE;
	return FALSE;
}

/* ---- The reply as other programs' logs quote it ------------------------------------------ */

/* Python shows bytes it could not decode as \xNN ("b'Error: \xc7\xeb...'"): the bytes come back and
 * are decoded again (GBK included).  NULL when the text has fewer than two such escapes. */
static gchar *unescape_bytes(const gchar *text)
{
	GByteArray *bytes;
	guint escapes = 0;

	for (const gchar *p = text; (p = strstr(p, "\\x")) != NULL; p += 2)
		if (g_ascii_isxdigit(p[2]) && g_ascii_isxdigit(p[3]))
			escapes++;
	if (escapes < 2)
		return NULL;
	bytes = g_byte_array_new();
	for (const gchar *p = text; *p != '\0'; p++) {
		guint8 b = (guint8)*p;

		if (p[0] == '\\' && p[1] == 'x' && g_ascii_isxdigit(p[2]) && g_ascii_isxdigit(p[3])) {
			b = (guint8)(g_ascii_xdigit_value(p[2]) * 16 + g_ascii_xdigit_value(p[3]));
			p += 3;
		} else if (p[0] == '\\' && (p[1] == 'r' || p[1] == 'n')) {
			b = p[1] == 'r' ? '\r' : '\n';
			p++;
		}
		g_byte_array_append(bytes, &b, 1);
	}
	{
		gchar *out = mpa_decode_reply(bytes->data, bytes->len);

		g_byte_array_unref(bytes);
		return out;
	}
}

/* GBK bytes shown as Latin-1 ("ÇëÊ¹ÓÃÊÚÈ¨Âë" for 请使用授权码): a text of Latin-1 characters only,
 * with at least four above U+007F, whose bytes are valid GB18030 with Chinese in it, is read as
 * that.  NULL otherwise. */
static gchar *repair_latin1_gbk(const gchar *text)
{
	g_autofree gchar *bytes = NULL, *out = NULL;
	gsize len = 0, read = 0, written = 0;
	guint high = 0, han = 0;

	for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c > 0xff)
			return NULL;
		if (c > 0x7f)
			high++;
	}
	if (high < 4)
		return NULL;
	bytes = g_convert(text, -1, "ISO-8859-1", "UTF-8", NULL, &len, NULL);
	if (bytes == NULL)
		return NULL;
	out = g_convert(bytes, len, "UTF-8", "GB18030", &read, &written, NULL);
	if (out == NULL || read != len)
		return NULL;
	for (const gchar *p = out; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c >= 0x4e00 && c <= 0x9fff)
			han++;
	}
	return han >= 2 ? g_steal_pointer(&out) : NULL;
}

/* ---- Network and TLS failures in other programs' words ---------------------------------- */

typedef struct {
	const gchar *pattern;
	MpaNetError net;
	gboolean mode_mismatch; /* TLS spoken to a plain port, or the reverse */
	GRegex *re;
	const gchar *candidates; /* instead of the outcome's usual ones; NULL: those */
} NetText;

/* A connection that "could not be made" without saying why: refused, unanswered, a name that
 * did not resolve or a blocked network all read the same. */
#define CANNOT_CONNECT "timeout dns-failure ip-not-allowed"

/* OpenSSL, GnuTLS, Python, Node.js, Java, .NET, libcurl, Thunderbird and Claws Mail/libetpan.
 * First match wins: the certificate's own complaint before the handshake that carried it, a
 * time-out before the hang-up it caused. */
static NetText net_texts[] = {
	{ "altnames|ALTNAME_INVALID|hostname mismatch|host ?name[^.;]{0,40}(doesn't|does not|did not) match|"
	  "did not match expected CN|not valid for ['\"]|no alternative certificate subject name|"
	  "no subject alternative (DNS )?name|SSL_ERROR_BAD_CERT_DOMAIN|RemoteCertificateNameMismatch|"
	  "certificate's owner does not match|certificate (is not|isn't) valid for|IP address mismatch|"
	  "certificate is for a different (host|server)|证书[^，。]{0,10}(域名|主机名)不(匹配|符)",
	  MPA_NET_CERT_HOSTNAME, FALSE, NULL },
	{ "certificate (has )?expired|CERT_HAS_EXPIRED|expired certificate|certificate (is )?expired|"
	  "not yet valid|CertificateExpiredException|CertificateNotYetValid|EXPIRED_CERTIFICATE|"
	  "NotTimeValid|certificate[^.;]{0,20}out of (its )?validity|证书(已)?过期",
	  MPA_NET_CERT_EXPIRED, FALSE, NULL },
	{ "self[-_ ]?signed|unable to get local issuer|unable to (get|verify) (the )?(issuer|first certificate|leaf)|"
	  "UNABLE_TO_VERIFY_LEAF|UNABLE_TO_GET_ISSUER|certificate verify failed|CERTIFICATE_VERIFY_FAILED|"
	  "PKIX path|valid certification path|unknown (issuer|authority|ca\\b)|UNKNOWN_ISSUER|"
	  "certificate (is )?not trusted|untrusted (server )?certificate|certificate signed by unknown authority|"
	  "remote certificate is invalid|RemoteCertificateChainErrors|issuer certificate|"
	  "certificate_unknown|bad certificate|x509: certificate|证书不(受信任|可信)",
	  MPA_NET_CERT_UNTRUSTED, FALSE, NULL },
	{ "STARTTLS extension not supported|does not support STARTTLS|STARTTLS (is )?not (supported|available|offered)|"
	  "server does not support (secure connections|TLS|SSL)|"
	  /* Thunderbird: "... using STARTTLS since it doesn't advertise that feature" */
	  "STARTTLS[^;]{0,80}?(doesn't|does not|didn't|did not) (advertise|offer|announce|support)|"
	  "(doesn't|does not|didn't|did not) (advertise|offer|announce) (that feature|STARTTLS)",
	  MPA_NET_STARTTLS_UNSUPPORTED, FALSE, NULL },
	{ "wrong version number|WRONG_VERSION_NUMBER|unexpected TLS packet|Unrecognized SSL message|"
	  "plaintext connection|packet length too long|http request|unknown protocol|UNKNOWN_PROTOCOL|"
	  "unexpected packet format|RECORD_TOO_LONG|record layer failure|SSL23_GET_SERVER_HELLO",
	  MPA_NET_TLS_HANDSHAKE, TRUE, NULL },
	{ "SSL routines|handshake fail|TLS handshake|SSL handshake|SSLHandshakeException|SSLError|SSLEOFError|"
	  "EOF occurred in violation of protocol|alert (handshake failure|protocol version)|"
	  "tlsv1 alert|sslv3 alert|unsupported protocol|no protocols available|no appropriate protocol|"
	  "NO_CYPHER_OVERLAP|terminated the handshake|SSL_connect|SSL connect error|curl: \\(35\\)|"
	  "TLS connection was non-properly terminated|A TLS fatal alert|GnuTLS error|"
	  "MAIL(IMAP|SMTP|POP3)_ERROR_SSL|Could not convert socket to TLS|STARTTLS upgrade failed|"
	  "(SSL|TLS)[^.;]{0,20}(failed|error)|握手失败",
	  MPA_NET_TLS_HANDSHAKE, FALSE, NULL },
	{ "ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo|gaierror|Name or service not known|"
	  "nodename nor servname|Temporary failure in name resolution|No address associated with host ?name|"
	  "UnknownHostException|Could(n't| not) resolve|No such host( is known)?|Host not found|"
	  "name resolution|unknown host|could not be found|can't resolve|DNS[^.;]{0,20}(fail|error)|"
	  "域名解析失败|无法解析",
	  MPA_NET_DNS, FALSE, NULL },
	{ "ETIMEDOUT|ESOCKETTIMEDOUT|timed ?out|time-?out|did not properly respond after a period of time|"
	  "SocketTimeoutException|\\[Errno 110\\]|WinError 10060|Greeting never received|超时",
	  MPA_NET_TIMEOUT, FALSE, NULL },
	/* JavaMail: connected, but no greeting could be read ("response: -1") */
	{ "response: -1", MPA_NET_CLOSED, FALSE, NULL },
	{ "ECONNREFUSED|Connection refused|actively refused|\\[Errno 111\\]|WinError 10061|ConnectException|"
	  "connection was refused|refusing (SMTP |IMAP )?connections|EACCES|EHOSTUNREACH|ENETUNREACH|"
	  "Network is unreachable|No route to host|MAIL(IMAP|SMTP)_ERROR_CONNECTION_REFUSED|"
	  "连接被拒绝|拒绝连接",
	  MPA_NET_REFUSED, FALSE, NULL },
	/* Claws Mail "can't connect to SMTP server: host:25", "Connection to host:993 failed";
	 * libcurl's (7) "Failed to connect ... Couldn't connect to server" (its time decides, see
	 * read_failure) */
	{ "(can't|cannot|can not|could not|couldn't|unable to|failed to) (connect|establish a connection)( to)?\\b|"
	  "connection to [^;]{0,120}? failed|curl: \\(7\\)|无法连接",
	  MPA_NET_REFUSED, FALSE, NULL, CANNOT_CONNECT },
	{ "ECONNRESET|EPIPE|Connection reset|reset by peer|Broken pipe|socket hang up|unexpectedly closed|"
	  "Connection closed|closed (the|its) connection|connection (was |has been )?(closed|lost|reset)|"
	  "forcibly closed|remote party has closed|transport (stream|connection)|SMTPServerDisconnected|"
	  /* Thunderbird: "The connection to the server X was reset.", "... (SMTP) X was lost in the
	   * middle of the transaction" */
	  "connection to [^;]{0,120}? (was|has been) (reset|lost|closed|interrupted|dropped|terminated)|"
	  "unexpected EOF|server disconnected|Stream error|MAIL(IMAP|SMTP)_ERROR_STREAM|Error in the pull function|"
	  "连接(已)?(断开|关闭)",
	  MPA_NET_CLOSED, FALSE, NULL },
};

static const NetText *net_text(const gchar *text)
{
	static gsize once;

	if (text == NULL)
		return NULL;
	if (g_once_init_enter(&once)) {
		for (guint k = 0; k < G_N_ELEMENTS(net_texts); k++) {
			g_autoptr(GError) error = NULL;

			net_texts[k].re = g_regex_new(net_texts[k].pattern, G_REGEX_CASELESS, 0, &error);
			g_assert_no_error(error);
		}
		g_once_init_leave(&once, 1);
	}
	for (guint k = 0; k < G_N_ELEMENTS(net_texts); k++)
		if (g_regex_match(net_texts[k].re, text, 0, NULL))
			return &net_texts[k];
	return NULL;
}

/* How long the program waited before it gave up, when its text says so ("after 21045 ms",
 * "after 21 seconds"); 0: not said. */
#define SLOW_CONNECT_MS 10000

static guint64 elapsed_ms(const gchar *text)
{
	static gsize once;
	static GRegex *re;
	g_autoptr(GMatchInfo) m = NULL;
	g_autofree gchar *num = NULL, *unit = NULL;
	gdouble value;

	if (text == NULL)
		return 0;
	if (g_once_init_enter(&once)) {
		re = g_regex_new("\\bafter ([0-9]+(?:\\.[0-9]+)?) ?(ms|milliseconds?|s|secs?|seconds?)\\b",
				 G_REGEX_CASELESS, 0, NULL);
		g_assert(re != NULL);
		g_once_init_leave(&once, 1);
	}
	if (!g_regex_match(re, text, 0, &m))
		return 0;
	num = g_match_info_fetch(m, 1);
	unit = g_match_info_fetch(m, 2);
	value = g_ascii_strtod(num, NULL);
	if (g_ascii_tolower(unit[0]) == 's')
		value *= 1000;
	return value > 0 && value < 1e12 ? (guint64)value : 0;
}

/* The mail port a text names ("ECONNREFUSED 1.2.3.4:587", "port: 465", "smtp.x.com:25"); only
 * the ports of mail programs count, so line numbers and times are not taken for one. */
static guint port_in_text(const gchar *text)
{
	static const guint ports[] = { 25, 110, 143, 465, 587, 993, 995, 2525 };
	static gsize once;
	static GRegex *re;
	g_autoptr(GMatchInfo) m = NULL;

	if (text == NULL)
		return 0;
	if (g_once_init_enter(&once)) {
		re = g_regex_new("(?:[\\w\\]*]:|\\bport:? ?)([0-9]{2,4})(?![0-9:])", G_REGEX_CASELESS, 0, NULL);
		g_assert(re != NULL);
		g_once_init_leave(&once, 1);
	}
	for (g_regex_match(re, text, 0, &m); g_match_info_matches(m); g_match_info_next(m, NULL)) {
		g_autofree gchar *num = g_match_info_fetch(m, 1);
		guint port = (guint)atoi(num);

		for (guint i = 0; i < G_N_ELEMENTS(ports); i++)
			if (ports[i] == port)
				return port;
	}
	return 0;
}

/* ---- Building the answer ----------------------------------------------------------------- */

static void add_cause(GPtrArray *ids, const gchar *id)
{
	for (guint i = 0; i < ids->len; i++)
		if (strcmp(g_ptr_array_index(ids, i), id) == 0)
			return;
	g_ptr_array_add(ids, (gpointer)id);
}

static gboolean provider_has_cause(const MpaProvider *p, const gchar *id)
{
	return p != NULL && p->causes != NULL && mpa_provider_cause(p, id) != NULL;
}

/* A login refused without saying why: ordered by the provider's password kind. */
static void add_auth_generic(GPtrArray *ids, const MpaProvider *p)
{
	/* unknown provider: it may want an app password without our knowing */
	static const gchar *const unknown[] = {
		MPA_CAUSE_WRONG_CREDENTIALS, MPA_CAUSE_APP_PASSWORD_REQUIRED, MPA_CAUSE_SERVICE_DISABLED, NULL
	};
	static const gchar *const app[] = {
		MPA_CAUSE_APP_PASSWORD_REQUIRED, MPA_CAUSE_WRONG_CREDENTIALS, MPA_CAUSE_SERVICE_DISABLED, NULL
	};
	static const gchar *const oauth2[] = {
		MPA_CAUSE_OAUTH_REQUIRED, MPA_CAUSE_WRONG_CREDENTIALS, NULL
	};
	static const gchar *const plain[] = {
		MPA_CAUSE_WRONG_CREDENTIALS, MPA_CAUSE_ACCOUNT_LOCKED, NULL
	};
	static const gchar *const extra[] = {
		MPA_CAUSE_SERVICE_DISABLED, MPA_CAUSE_IP_NOT_ALLOWED, MPA_CAUSE_ACCOUNT_LOCKED, NULL
	};
	const gchar *const *first;

	if (p == NULL || !p->has_assistant)
		first = unknown;
	else if (p->password_kind == MPA_PASSWORD_APP)
		first = app;
	else if (p->password_kind == MPA_PASSWORD_OAUTH2)
		first = oauth2;
	else
		first = plain;
	for (guint i = 0; first[i] != NULL; i++)
		add_cause(ids, first[i]);
	/* what the provider documents as a pitfall of its own is worth checking too */
	for (guint i = 0; extra[i] != NULL; i++)
		if (provider_has_cause(p, extra[i]))
			add_cause(ids, extra[i]);
}

static void add_list(GPtrArray *ids, const gchar *cause, const gchar *const *candidates,
		     const gchar *candidates_str, const MpaProvider *p)
{
	g_auto(GStrv) split = NULL;

	if (strcmp(cause, AUTH_GENERIC) == 0)
		add_auth_generic(ids, p);
	else
		add_cause(ids, cause);
	if (candidates_str != NULL) {
		split = g_strsplit(candidates_str, " ", -1);
		candidates = (const gchar *const *)split;
	}
	for (guint i = 0; candidates != NULL && candidates[i] != NULL; i++) {
		if (*candidates[i] == '\0')
			continue;
		if (strcmp(candidates[i], AUTH_GENERIC) == 0)
			add_auth_generic(ids, p);
		else if (mpa_cause_is_valid(candidates[i]))
			add_cause(ids, g_intern_string(candidates[i]));
	}
}

static const gchar *net_cause(MpaNetError e, const gchar **candidates)
{
	*candidates = NULL;
	switch (e) {
	case MPA_NET_DNS:
		return MPA_CAUSE_DNS_FAILURE;
	case MPA_NET_REFUSED:
		*candidates = "ip-not-allowed";
		return MPA_CAUSE_CONNECTION_REFUSED;
	case MPA_NET_TIMEOUT:
		*candidates = "connection-refused";
		return MPA_CAUSE_TIMEOUT;
	case MPA_NET_CLOSED:
		*candidates = "ip-not-allowed rate-limited tls-handshake-failed";
		return MPA_CAUSE_CONNECTION_CLOSED;
	case MPA_NET_TLS_HANDSHAKE:
		return MPA_CAUSE_TLS_HANDSHAKE_FAILED;
	case MPA_NET_CERT_UNTRUSTED:
		return MPA_CAUSE_CERTIFICATE_UNTRUSTED;
	case MPA_NET_CERT_EXPIRED:
		return MPA_CAUSE_CERTIFICATE_EXPIRED;
	case MPA_NET_CERT_HOSTNAME:
		return MPA_CAUSE_CERTIFICATE_HOSTNAME_MISMATCH;
	case MPA_NET_PROTOCOL:
		return MPA_CAUSE_PROTOCOL_ERROR;
	case MPA_NET_STARTTLS_UNSUPPORTED:
		*candidates = "protocol-error";
		return MPA_CAUSE_TLS_HANDSHAKE_FAILED;
	case MPA_NET_TLS_OUTDATED:
		return MPA_CAUSE_TLS_OUTDATED;
	case MPA_NET_UNENCRYPTED:
		/* our own refusal, but the fix is the same as when the server refuses: SSL/TLS or
		 * STARTTLS on the provider's ports (listed by add_notes) */
		return MPA_CAUSE_ENCRYPTION_REQUIRED;
	case MPA_NET_PREAUTH:
		return MPA_CAUSE_PREAUTH_UNENCRYPTED;
	case MPA_NET_NONE:
		break;
	}
	return NULL;
}

static gboolean rule_code_matches(const MpaRule *rule, const gchar *imap_code, guint smtp_code,
				  const gchar *enhanced)
{
	gchar num[8];

	if (imap_code != NULL && g_ascii_strcasecmp(rule->code, imap_code) == 0)
		return TRUE;
	if (enhanced != NULL && g_ascii_strcasecmp(rule->code, enhanced) == 0)
		return TRUE;
	if (smtp_code != 0) {
		g_snprintf(num, sizeof num, "%u", smtp_code);
		if (strcmp(rule->code, num) == 0)
			return TRUE;
	}
	return FALSE;
}

static const MpaRule *provider_rule(const MpaProvider *p, const MpaFailure *f, const gchar *text,
				    const gchar *imap_code, guint smtp_code, const gchar *enhanced,
				    gboolean skip_catch_all)
{
	if (p == NULL || p->rules == NULL)
		return NULL;
	for (guint i = 0; i < p->rules->len; i++) {
		const MpaRule *r = g_ptr_array_index(p->rules, i);

		if (r->protocol != MPA_RULE_ANY_PROTOCOL && r->protocol != (gint)f->protocol)
			continue;
		if (r->stage != MPA_RULE_ANY_STAGE && r->stage != (gint)f->stage)
			continue;
		if (r->code == NULL && r->match == NULL && skip_catch_all)
			continue;
		if (r->code != NULL && !rule_code_matches(r, imap_code, smtp_code, enhanced))
			continue;
		if (r->match != NULL && (text == NULL || !g_regex_match(r->match, text, 0, NULL)))
			continue;
		return r;
	}
	return NULL;
}

static gboolean in_list(const gchar *list, const gchar *id)
{
	g_auto(GStrv) items = NULL;

	if (list == NULL)
		return TRUE;
	items = g_strsplit(list, " ", -1);
	return g_strv_contains((const gchar *const *)items, id);
}

/* Word rule @i matches the reply of a failure of this protocol, within the code's family. */
static gboolean word_rule_matches(guint i, const MpaFailure *f, const gchar *text,
				  const gchar *refine)
{
	const WordRule *w = &word_rules[i];

	if (w->protocol != ANY && w->protocol != (gint)f->protocol)
		return FALSE;
	if (refine != NULL && !in_list(refine, w->cause) &&
	    !g_strv_contains(strong_words, w->cause))
		return FALSE;
	return g_regex_match(word_regex(i), text, 0, NULL);
}

/* Wording: every matching rule adds its causes, in table order.  Returns the number of rules
 * that matched. */
static guint add_wording(GPtrArray *ids, const MpaFailure *f, const gchar *text,
			 const gchar *refine,
			 const MpaProvider *p, gboolean *auth_matched)
{
	guint matched = 0;

	*auth_matched = FALSE;
	if (text == NULL || *text == '\0')
		return 0;
	for (guint i = 0; i < G_N_ELEMENTS(word_rules); i++) {
		const WordRule *w = &word_rules[i];

		if (!word_rule_matches(i, f, text, refine))
			continue;
		matched++;
		if (strcmp(w->cause, AUTH_GENERIC) == 0)
			*auth_matched = TRUE;
		add_list(ids, w->cause, NULL, w->candidates, p);
	}
	return matched;
}

/* A provider's catch-all rule is its usual reason for a refusal that says nothing more.  When
 * the reply names one specific reason instead ("service is closed", "user suspended"), that
 * reason comes first.  A reply listing several is a list of possibilities ("abnormal, not open,
 * password incorrect, or busy"): the provider's order stands then. */
static void add_one_specific_reason(GPtrArray *ids, const MpaFailure *f, const gchar *text,
				    const gchar *refine)
{
	const gchar *found = NULL;

	if (text == NULL || *text == '\0')
		return;
	for (guint i = 0; i < G_N_ELEMENTS(word_rules); i++) {
		const WordRule *w = &word_rules[i];

		if (strcmp(w->cause, AUTH_GENERIC) == 0 || !word_rule_matches(i, f, text, refine))
			continue;
		if (found != NULL && strcmp(found, w->cause) != 0)
			return;
		found = w->cause;
	}
	if (found != NULL)
		add_cause(ids, found);
}

static void move_to_front(GPtrArray *ids, const gchar *id)
{
	for (guint i = 1; i < ids->len; i++) {
		if (strcmp(g_ptr_array_index(ids, i), id) == 0) {
			gpointer v = g_ptr_array_steal_index(ids, i);

			g_ptr_array_insert(ids, 0, v);
			return;
		}
	}
}

/* Replace the one "%s" of a translated template (not a printf format: translations are data). */
static gchar *fill(const gchar *tmpl, const gchar *value)
{
	const gchar *at = strstr(tmpl, "%s");

	if (at == NULL)
		return g_strdup(tmpl);
	return g_strdup_printf("%.*s%s%s", (gint)(at - tmpl), tmpl, value, at + 2);
}

static MpaExplanation *explain(const MpaProvider *p, const gchar *id, MpaStage stage,
			       const gchar *lang)
{
	MpaExplanation *e = g_new0(MpaExplanation, 1);
	/* a provider text written for one stage ("limiting how much you send") does not explain a
	 * failure at another (a login block): the generic text does */
	const MpaCauseFix *fix = (p != NULL && p->causes != NULL) ? mpa_provider_cause_at(p, id, stage) : NULL;
	const CauseText *ct = &cause_texts[G_N_ELEMENTS(cause_texts) - 1];
	const gchar *s;

	for (guint i = 0; i < G_N_ELEMENTS(cause_texts); i++)
		if (strcmp(cause_texts[i].id, id) == 0)
			ct = &cause_texts[i];
	e->cause = g_strdup(id);
	s = fix != NULL ? text_get(fix->title, lang) : NULL;
	e->title = g_strdup(s != NULL ? s : mpa_mo_translate(lang, ct->title));
	s = fix != NULL ? text_get(fix->fix, lang) : NULL;
	if (s != NULL) {
		e->fix = g_strdup(s);
	} else if (strcmp(id, MPA_CAUSE_APP_PASSWORD_REQUIRED) == 0 && p != NULL &&
		   text_get(p->password_label, lang) != NULL) {
		/* the generic steps, plus the provider's own name for that password */
		g_autofree gchar *named = fill(mpa_mo_translate(lang, N_("At this provider it is called “%s”.")),
					       text_get(p->password_label, lang));

		e->fix = g_strdup_printf("%s\n%s", mpa_mo_translate(lang, ct->fix), named);
	} else {
		e->fix = g_strdup(mpa_mo_translate(lang, ct->fix));
	}
	if (fix != NULL && fix->link != NULL && fix->link->url != NULL)
		e->link = g_strdup(fix->link->url);
	return e;
}

static void explanation_free(gpointer data)
{
	MpaExplanation *e = data;

	g_free(e->cause);
	g_free(e->title);
	g_free(e->fix);
	g_free(e->link);
	g_free(e);
}

/* What one diagnosis knows while its steps run. */
typedef struct {
	const MpaProvider *provider;
	const MpaFailure *failure;
	const gchar *text;      /* the reply, may be NULL */
	const gchar *imap_code; /* given or parsed */
	guint smtp_code;
	const gchar *enhanced;
	const CodeRule *code; /* the code's meaning, or NULL */
	const gchar *net;     /* the network/TLS outcome's cause, or NULL */
	const gchar *net_candidates;
	const gchar *net_text_candidates; /* the recognised text's own, or NULL */
	/* NOTE_... bits: each note is said once, under the first cause it fits */
	guint notes_said;
	MpaNetError net_error;  /* given, or recognised in the text */
	gboolean mode_mismatch; /* the text says TLS met a plain port or the reverse */
	guint port;             /* given, or named in the text; 0: unknown */
	GPtrArray *ids;         /* the answer: cause ids, most likely first */
	gboolean from_provider_rule;
	gchar *owned_text, *owned_imap, *owned_enhanced;
} Diag;

/* The reply is read as the server wrote it (Python's \\xNN escapes and GBK shown as Latin-1
 * undone); the codes are read from it when the caller did not parse them, also when another
 * program's message quotes them; a failure without any code may still name a network or TLS
 * failure in the words of the program that logged it.  Then the code's row of the table. */
static void read_failure(Diag *g)
{
	const MpaFailure *f = g->failure;

	g->text = f->reply;
	if (g->text != NULL) {
		g->owned_text = unescape_bytes(g->text);
		if (g->owned_text == NULL)
			g->owned_text = repair_latin1_gbk(g->text);
		if (g->owned_text != NULL)
			g->text = g->owned_text;
	}
	g->imap_code = f->imap_code;
	g->smtp_code = f->smtp_code;
	g->enhanced = f->enhanced_code;
	if (f->protocol == MPA_PROTOCOL_IMAP && g->imap_code == NULL) {
		g->owned_imap = mpa_reply_imap_code(g->text);
		if (g->owned_imap == NULL)
			g->owned_imap = mpa_reply_imap_code_find(g->text);
		g->imap_code = g->owned_imap;
	}
	if (f->protocol == MPA_PROTOCOL_SMTP && g->enhanced == NULL && g->text != NULL) {
		guint parsed_code;

		if (!mpa_reply_smtp(g->text, &parsed_code, &g->owned_enhanced) && g->smtp_code == 0)
			mpa_reply_smtp_find(g->text, &parsed_code, &g->owned_enhanced);
		g->enhanced = g->owned_enhanced;
		if (g->smtp_code == 0)
			g->smtp_code = parsed_code;
	}
	g->net_error = f->net_error;
	if (g->net_error == MPA_NET_NONE && g->imap_code == NULL && g->smtp_code == 0 && g->enhanced == NULL) {
		g_autofree gchar *status = f->protocol == MPA_PROTOCOL_IMAP ? mpa_reply_imap_status(g->text) : NULL;
		const NetText *t = status == NULL ? net_text(g->text) : NULL;

		if (t != NULL) {
			g->net_error = t->net;
			g->mode_mismatch = t->mode_mismatch;
			g->net_text_candidates = t->candidates;
			/* "failed to connect ... after 21045 ms": a refusal comes back within a round
			 * trip (a few seconds at most, with Windows' retries); a long wait is a
			 * connection nobody answered */
			if (t->net == MPA_NET_REFUSED && elapsed_ms(g->text) >= SLOW_CONNECT_MS) {
				g->net_error = MPA_NET_TIMEOUT;
				g->net_text_candidates = "ip-not-allowed connection-refused";
			}
		}
	}
	g->port = f->port != 0 ? f->port : port_in_text(g->text);
	if (f->has_security && g->port != 0) {
		gboolean implicit_port = g->port == 465 || g->port == 993 || g->port == 995;
		gboolean plain_port = g->port == 587 || g->port == 143 || g->port == 25 || g->port == 110;

		if ((f->security == MPA_SECURITY_SSL && plain_port) ||
		    (f->security != MPA_SECURITY_SSL && implicit_port))
			g->mode_mismatch = TRUE;
	}
	g->net = net_cause(g->net_error, &g->net_candidates);
	if (g->net_text_candidates != NULL)
		g->net_candidates = g->net_text_candidates;
	if (g->net == NULL) {
		for (guint i = 0; i < G_N_ELEMENTS(code_rules) && g->code == NULL; i++)
			if (code_rule_matches(&code_rules[i], f, g->imap_code, g->smtp_code, g->enhanced))
				g->code = &code_rules[i];
	}
}

/* 1-2: the provider's rules; a catch-all yields to a code that says more, and to a reply that
 * names one reason. */
static gboolean try_provider_rule(Diag *g)
{
	const MpaRule *rule;

	rule = provider_rule(g->provider, g->failure, g->text, g->imap_code, g->smtp_code, g->enhanced,
			     g->net != NULL || (g->code != NULL && g->code->strength != WEAK));
	if (rule == NULL || !mpa_cause_is_valid(rule->cause))
		return FALSE;
	if (rule->code == NULL && rule->match == NULL)
		add_one_specific_reason(g->ids, g->failure, g->text, g->code != NULL ? g->code->refine : NULL);
	add_list(g->ids, rule->cause, (const gchar *const *)rule->candidates, NULL, g->provider);
	g->from_provider_rule = TRUE;
	return TRUE;
}

/* 3: the network outcome (a hang-up waits for the wording), or an exact code. */
static gboolean try_net_or_exact_code(Diag *g)
{
	if (g->net != NULL && g->net_error != MPA_NET_CLOSED) {
		add_list(g->ids, g->net, NULL, g->net_candidates, g->provider);
		return TRUE;
	}
	if (g->code != NULL && g->code->strength == EXACT) {
		add_list(g->ids, g->code->cause, NULL, g->code->candidates, g->provider);
		return TRUE;
	}
	return FALSE;
}

/* 4: wording, restricted to the code's family when it has one. */
static gboolean try_wording(Diag *g)
{
	const MpaProvider *p = g->provider;
	gboolean auth_matched = FALSE;
	guint words;

	if (g->net != NULL) {
		words = add_wording(g->ids, g->failure, g->text, TRANSIENT, p, &auth_matched);
		add_list(g->ids, g->net, NULL, g->net_candidates, p);
		if (words > 0)
			move_to_front(g->ids, g->net); /* the hang-up is the fact; wording says why */
		/* some servers hang up on a refused password instead of answering */
		if (g->net_error == MPA_NET_CLOSED && g->failure->stage == MPA_STAGE_AUTH)
			add_list(g->ids, AUTH_GENERIC, NULL, NULL, p);
		return TRUE;
	}
	words = add_wording(g->ids, g->failure, g->text, g->code != NULL ? g->code->refine : NULL, p,
			    &auth_matched);
	if (words == 0)
		return FALSE;
	/* a reply that lists several reasons: the provider's usual one first */
	if (auth_matched && words > 1 && p != NULL && p->has_assistant) {
		if (p->password_kind == MPA_PASSWORD_APP)
			move_to_front(g->ids, MPA_CAUSE_APP_PASSWORD_REQUIRED);
		else if (p->password_kind == MPA_PASSWORD_OAUTH2)
			move_to_front(g->ids, MPA_CAUSE_OAUTH_REQUIRED);
	}
	if (g->code != NULL)
		add_list(g->ids, g->code->cause, NULL, g->code->candidates, p);
	return TRUE;
}

/* 5: the code's own meaning. */
static gboolean try_code_fallback(Diag *g)
{
	if (g->code == NULL)
		return FALSE;
	add_list(g->ids, g->code->cause, NULL, g->code->candidates, g->provider);
	return TRUE;
}

/* 6: what the stage and the IMAP status word say by themselves. */
static gboolean try_stage(Diag *g)
{
	g_autofree gchar *status = NULL;

	if (g->failure->protocol != MPA_PROTOCOL_IMAP)
		return FALSE;
	status = mpa_reply_imap_status(g->text);
	if (g_strcmp0(status, "BAD") == 0) {
		add_cause(g->ids, MPA_CAUSE_PROTOCOL_ERROR);
		return TRUE;
	}
	if (g->failure->stage == MPA_STAGE_AUTH && g_strcmp0(status, "NO") == 0) {
		add_list(g->ids, AUTH_GENERIC, NULL, NULL, g->provider);
		return TRUE;
	}
	if (g->failure->stage == MPA_STAGE_GREETING && g_strcmp0(status, "BYE") == 0) {
		add_list(g->ids, MPA_CAUSE_TEMPORARY_FAILURE, NULL, "ip-not-allowed rate-limited", g->provider);
		return TRUE;
	}
	return FALSE;
}

/* ---- What the fix adds for this failure --------------------------------------------------- */

static gboolean cause_in(const gchar *id, const gchar *list)
{
	g_auto(GStrv) items = g_strsplit(list, " ", -1);

	return g_strv_contains((const gchar *const *)items, id);
}

static const gchar *security_name(MpaSecurity s)
{
	switch (s) {
	case MPA_SECURITY_SSL: return "SSL/TLS";
	case MPA_SECURITY_STARTTLS: return "STARTTLS";
	default: return "-";
	}
}

/* "IMAP imap.qq.com:993 SSL/TLS, SMTP smtp.qq.com:465 SSL/TLS", or NULL. */
static gchar *provider_servers(const MpaProvider *p)
{
	GString *s;

	if (p == NULL || (p->imap == NULL && p->smtp == NULL))
		return NULL;
	s = g_string_new(NULL);
	if (p->imap != NULL)
		g_string_append_printf(s, "IMAP %s:%u %s", p->imap->host, p->imap->port,
				       security_name(p->imap->security));
	if (p->smtp != NULL)
		g_string_append_printf(s, "%sSMTP %s:%u %s", s->len > 0 ? ", " : "", p->smtp->host,
				       p->smtp->port, security_name(p->smtp->security));
	return g_string_free(s, FALSE);
}

static void append_line(MpaExplanation *e, const gchar *line)
{
	gchar *fix = g_strdup_printf("%s\n%s", e->fix, line);

	g_free(e->fix);
	e->fix = fix;
}

static gboolean failed_logins_named(const gchar *text)
{
	static gsize once;
	static GRegex *re;

	if (text == NULL)
		return FALSE;
	if (g_once_init_enter(&once)) {
		re = g_regex_new("(too many|repeated|multiple|several) (failed|bad|invalid|wrong|unsuccessful|incorrect) "
				 "(log ?ins?|auth\\w*|attempts|passwords?)|failed (log ?in|auth\\w*) attempts|"
				 "(密码|登录)错误次数|错误次数过多",
				 G_REGEX_CASELESS, 0, NULL);
		g_assert(re != NULL);
		g_once_init_leave(&once, 1);
	}
	return g_regex_match(re, text, 0, NULL);
}

enum {
	NOTE_PORT25 = 1 << 0,
	NOTE_MODE = 1 << 1,
	NOTE_SELF_REFUSED = 1 << 2,
	NOTE_SERVERS = 1 << 3,
	NOTE_FAILED_LOGINS = 1 << 4
};

/* Note @bit is due and was not said under an earlier cause of this answer. */
static gboolean note_once(Diag *g, guint bit, gboolean due)
{
	if (!due || (g->notes_said & bit) != 0)
		return FALSE;
	g->notes_said |= bit;
	return TRUE;
}

/* The port, the security setting and the provider's servers where they are the fix; each under
 * the first (most likely) cause it fits, not repeated under every candidate. */
static void add_notes(Diag *g, MpaExplanation *e, const gchar *lang)
{
	const gchar *id = e->cause;
	g_autofree gchar *port = g->port != 0 ? g_strdup_printf("%u", g->port) : NULL;

	if (note_once(g, NOTE_PORT25,
		      g->port == 25 && cause_in(id, "timeout connection-refused connection-closed "
						    "ip-not-allowed tls-handshake-failed encryption-required")))
		append_line(e, mpa_mo_translate(lang, N_("Port 25 is meant for servers passing mail to each other; many networks and providers block it for mail programs. Use port 465 (SSL/TLS) or 587 (STARTTLS).")));
	if (note_once(g, NOTE_MODE,
		      g->mode_mismatch && cause_in(id, "tls-handshake-failed connection-closed timeout encryption-required protocol-error"))) {
		g_autofree gchar *line = NULL;

		if (g->port == 465 || g->port == 993 || g->port == 995)
			line = fill(mpa_mo_translate(lang, N_("Port %s expects SSL/TLS from the first byte: set the security to SSL/TLS, not STARTTLS or none.")), port);
		else if (g->port == 587 || g->port == 143 || g->port == 25 || g->port == 110)
			line = fill(mpa_mo_translate(lang, N_("Port %s starts unencrypted and switches with STARTTLS: set the security to STARTTLS there, or use SSL/TLS on port 465 (sending) or 993 (receiving).")), port);
		else
			line = g_strdup(mpa_mo_translate(lang, N_("The security setting does not fit the port: SSL/TLS belongs to ports 465 (sending) and 993 (receiving), STARTTLS to ports 587 and 143.")));
		append_line(e, line);
	}
	if (note_once(g, NOTE_SELF_REFUSED,
		      strcmp(id, MPA_CAUSE_ENCRYPTION_REQUIRED) == 0 && g->net_error == MPA_NET_UNENCRYPTED))
		append_line(e, mpa_mo_translate(lang, N_("Here the connection check itself refused: it sends no password over an unencrypted connection, so the settings need SSL/TLS or STARTTLS.")));
	if (note_once(g, NOTE_SERVERS,
		      strcmp(id, MPA_CAUSE_ENCRYPTION_REQUIRED) == 0 || (g->mode_mismatch && strcmp(id, MPA_CAUSE_TLS_HANDSHAKE_FAILED) == 0))) {
		g_autofree gchar *servers = provider_servers(g->provider);

		if (servers != NULL) {
			g_autofree gchar *line = fill(mpa_mo_translate(lang, N_("This provider's servers: %s.")), servers);

			append_line(e, line);
		}
	}
	if (note_once(g, NOTE_FAILED_LOGINS,
		      cause_in(id, "rate-limited account-locked") && failed_logins_named(g->text)))
		append_line(e, mpa_mo_translate(lang, N_("The block came after failed logins: correct the password in the mail program first (or every retry fails again and renews the block), then wait before trying again.")));
}

/* ---- A password that worked and then stopped ---------------------------------------------- */

/* An account that logged in before with this password: the settings are right, the password
 * itself stopped working.  The first explanation, when it is about the password, leads with that
 * (the cause stays the same: the fix is still a new app password, or the new login password). */
static void worked_before(const MpaProvider *p, MpaExplanation *e, const gchar *lang)
{
	const gchar *label = p != NULL ? text_get(p->password_label, lang) : NULL;

	if (strcmp(e->cause, MPA_CAUSE_APP_PASSWORD_REQUIRED) == 0) {
		if (label == NULL)
			label = mpa_mo_translate(lang, N_("app password"));
		g_free(e->title);
		e->title = fill(mpa_mo_translate(lang, N_("The %s is no longer valid: it was deleted, replaced, or the login password was changed")), label);
		g_free(e->fix);
		e->fix = fill(mpa_mo_translate(lang, N_("This account logged in with this password before, so the other settings are right: the password itself stopped working. Deleting or replacing it, changing the login password, or a security check of the provider cancels it.\n"
							"1. Log in to your mailbox in a web browser and open the page where you created the %s.\n"
							"2. Delete the old one if it is still listed, and create a new one (copy it at once: it is often shown only once).\n"
							"3. Enter the new one as the password of this account, for receiving and for sending, and try again.")),
			      label);
	} else if (strcmp(e->cause, MPA_CAUSE_WRONG_CREDENTIALS) == 0) {
		g_free(e->title);
		e->title = g_strdup(mpa_mo_translate(lang, N_("The password that worked before is no longer accepted: it was probably changed")));
		g_free(e->fix);
		e->fix = g_strdup(mpa_mo_translate(lang, N_("This account logged in with this password before, so the other settings are right: the password itself stopped working.\n"
							    "1. If you changed the password on the web or on another device, enter the new one here, for receiving and for sending.\n"
							    "2. If you did not, log in on the web: the provider may have asked for a new password after a security check.\n"
							    "3. Then try again.")));
	}
}

MpaDiagnosis *mpa_diagnose(const MpaProvider *provider, const MpaFailure *failure,
			   const gchar *lang)
{
	static gboolean (*const steps[])(Diag *) = {
		try_provider_rule,
		try_net_or_exact_code,
		try_wording,
		try_code_fallback,
		try_stage,
	};
	MpaDiagnosis *d;
	Diag g = { 0 };
	gboolean found = FALSE;

	g_return_val_if_fail(failure != NULL, NULL);

	g.provider = provider;
	g.failure = failure;
	g.ids = g_ptr_array_new();
	read_failure(&g);
	for (guint i = 0; i < G_N_ELEMENTS(steps) && !found; i++)
		found = steps[i](&g);
	if (!found) {
		/* an unrecognised text still narrows down by the stage it failed at */
		add_cause(g.ids, MPA_CAUSE_UNKNOWN);
		if (failure->stage == MPA_STAGE_CONNECT)
			add_list(g.ids, MPA_CAUSE_UNKNOWN, NULL,
				 "dns-failure connection-refused timeout ip-not-allowed", provider);
		else if (failure->stage == MPA_STAGE_TLS)
			add_list(g.ids, MPA_CAUSE_UNKNOWN, NULL,
				 "tls-handshake-failed certificate-untrusted certificate-expired certificate-hostname-mismatch",
				 provider);
	}

	d = g_new0(MpaDiagnosis, 1);
	d->causes = g_ptr_array_new_with_free_func(explanation_free);
	/* the server's words as they came; the decoded form above is for matching only */
	if (failure->reply != NULL && *failure->reply != '\0')
		d->reply = mpa_sanitize_display(failure->reply, 1000);
	d->from_provider_rule = g.from_provider_rule;
	for (guint i = 0; i < g.ids->len; i++) {
		MpaExplanation *e = explain(provider, g_ptr_array_index(g.ids, i), failure->stage, lang);

		if (i == 0 && failure->worked_before && failure->stage == MPA_STAGE_AUTH)
			worked_before(provider, e, lang);
		add_notes(&g, e, lang);
		g_ptr_array_add(d->causes, e);
	}
	g_ptr_array_unref(g.ids);
	g_free(g.owned_text);
	g_free(g.owned_imap);
	g_free(g.owned_enhanced);
	return d;
}

MpaDiagnosis *mpa_diagnose_result(const MpaProvider *provider, const MpaProtoResult *result,
				  const gchar *lang)
{
	return mpa_diagnose_result_worked(provider, result, FALSE, lang);
}

MpaDiagnosis *mpa_diagnose_result_worked(const MpaProvider *provider, const MpaProtoResult *result,
					 gboolean worked_before, const gchar *lang)
{
	MpaFailure f = { 0 };
	g_autofree gchar *decoded = NULL;

	g_return_val_if_fail(result != NULL, NULL);
	if (result->outcome != MPA_OUTCOME_FAILED)
		return NULL;
	f.protocol = result->protocol;
	f.stage = result->stage;
	f.net_error = result->net_error;
	f.reply = result->reply;
	if (f.reply == NULL && result->reply_raw != NULL) {
		gsize len;
		const guint8 *raw = g_bytes_get_data(result->reply_raw, &len);

		f.reply = decoded = mpa_decode_reply(raw, len);
	}
	f.imap_code = result->imap_code;
	f.smtp_code = result->smtp_code;
	f.enhanced_code = result->enhanced_code;
	f.worked_before = worked_before;
	return mpa_diagnose(provider, &f, lang);
}

void mpa_diagnosis_free(MpaDiagnosis *diagnosis)
{
	if (diagnosis == NULL)
		return;
	g_ptr_array_unref(diagnosis->causes);
	g_free(diagnosis->reply);
	g_free(diagnosis);
}
