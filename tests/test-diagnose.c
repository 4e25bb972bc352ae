/* Tests for mpa-diagnose: real server replies -> causes, generic rules, provider rules, GBK input,
 * unknown replies, rule validation, reply parsing and zh_CN output. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <libintl.h>
#include <glib/gstdio.h>
#include "mpa-diagnose.h"
#include "mpa-text.h"

/* ---- Test providers (inline, so the cases do not depend on the shipped files) ---- */

#define HEAD \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<clientConfig version=\"1.1\" xmlns:mpa=\"urn:x-claws-mail-provider-assistant:provider:1\">\n" \
	"<emailProvider id=\"%s\"><domain>%s</domain><displayName>%s</displayName>\n" \
	"<incomingServer type=\"imap\"><hostname>imap.%s</hostname><port>993</port><socketType>SSL</socketType>" \
	"<username>%%EMAILADDRESS%%</username><authentication>password-cleartext</authentication></incomingServer>\n" \
	"<outgoingServer type=\"smtp\"><hostname>smtp.%s</hostname><port>465</port><socketType>SSL</socketType>" \
	"<username>%%EMAILADDRESS%%</username><authentication>password-cleartext</authentication></outgoingServer>\n" \
	"<mpa:assistant checked=\"2026-11-28\"><mpa:name lang=\"en\">%s</mpa:name><mpa:name lang=\"zh_CN\">%s</mpa:name>\n"
#define TAIL "</mpa:assistant></emailProvider></clientConfig>\n"

static const gchar app_body[] =
	"<mpa:password kind=\"app-password\"><mpa:label lang=\"en\">authorization code</mpa:label>"
	"<mpa:label lang=\"zh_CN\">授权码</mpa:label><mpa:hint lang=\"en\">Use the code.</mpa:hint>"
	"<mpa:hint lang=\"zh_CN\">请使用授权码。</mpa:hint></mpa:password>\n"
	"<mpa:link id=\"settings\" url=\"https://mail.apptest.example/settings\"><mpa:title lang=\"en\">Settings</mpa:title>"
	"<mpa:title lang=\"zh_CN\">设置</mpa:title></mpa:link>\n"
	"<mpa:cause id=\"service-disabled\" link=\"settings\"><mpa:title lang=\"en\">Switch on IMAP at AppTest</mpa:title>"
	"<mpa:title lang=\"zh_CN\">在 AppTest 开启 IMAP</mpa:title><mpa:fix lang=\"en\">Settings, Mail, tick IMAP.</mpa:fix>"
	"<mpa:fix lang=\"zh_CN\">设置，邮件，勾选 IMAP。</mpa:fix></mpa:cause>\n"
	"<mpa:rule protocol=\"smtp\" stage=\"send\" code=\"554\" match=\"DT:SPM\" cause=\"rate-limited\" candidates=\"message-rejected-spam\"/>\n"
	"<mpa:rule protocol=\"any\" stage=\"auth\" cause=\"app-password-required\" candidates=\"service-disabled ip-not-allowed\"/>\n";

/* the same kind of password, without rules: the generic rules alone */
static const gchar plain_app_body[] =
	"<mpa:password kind=\"app-password\"><mpa:label lang=\"en\">app password</mpa:label>"
	"<mpa:label lang=\"zh_CN\">应用专用密码</mpa:label><mpa:hint lang=\"en\">Use it.</mpa:hint>"
	"<mpa:hint lang=\"zh_CN\">请使用它。</mpa:hint></mpa:password>\n";

static const gchar oauth_body[] =
	"<mpa:password kind=\"oauth2\"/>\n";

static const gchar login_body[] =
	"<mpa:password kind=\"login\"/>\n";

static gchar *tmpdir;

static MpaProvider *load_inline(const gchar *id, const gchar *body, GPtrArray *problems)
{
	g_autofree gchar *xml = g_strdup_printf(HEAD "%s" TAIL, id, id, id, id, id, id, id, body);
	g_autofree gchar *path = g_build_filename(tmpdir, id, NULL);
	g_autofree gchar *file = g_strconcat(path, ".xml", NULL);

	g_assert_true(g_file_set_contents(file, xml, -1, NULL));
	return mpa_provider_load_file(file, problems);
}

static MpaProvider *app_provider, *plain_app_provider, *oauth_provider, *login_provider;

static const MpaProvider *provider_by_name(const gchar *name)
{
	if (name == NULL)
		return NULL;
	if (strcmp(name, "app") == 0)
		return app_provider;
	if (strcmp(name, "plainapp") == 0)
		return plain_app_provider;
	if (strcmp(name, "oauth") == 0)
		return oauth_provider;
	if (strcmp(name, "login") == 0)
		return login_provider;
	g_assert_not_reached();
	return NULL;
}

/* ---- The table ---- */

typedef struct {
	const gchar *provider; /* NULL, "app", "oauth", "login" */
	MpaProtocol protocol;
	MpaStage stage;
	MpaNetError net;
	const gchar *reply;
	const gchar *cause;
	const gchar *candidates; /* these must follow the cause, in this order (more may follow) */
	const gchar *contains;   /* and this one must be somewhere among the candidates */
} Case;

#define I MPA_PROTOCOL_IMAP
#define S MPA_PROTOCOL_SMTP
#define AUTH MPA_STAGE_AUTH
#define SEL MPA_STAGE_SELECT
#define SEND MPA_STAGE_SEND
#define GREET MPA_STAGE_GREETING
#define N0 MPA_NET_NONE

static const Case cases[] = {
	/* NetEase (163/126), from public bug reports */
	{ NULL, I, AUTH, N0, "a1 NO LOGIN Login error or password error", "wrong-credentials", "app-password-required service-disabled", NULL },
	{ "app", I, AUTH, N0, "a1 NO LOGIN Login error or password error", "app-password-required", NULL, NULL },
	{ NULL, I, SEL, N0, "a3 NO SELECT Unsafe Login. Please contact kefu@188.com for help", "client-id-required", NULL, NULL },
	{ "app", I, SEL, N0, "EXAMINE Unsafe Login. Please contact kefu@188.com for help", "client-id-required", NULL, NULL },
	{ NULL, S, AUTH, N0, "535 Error: authentication failed", "wrong-credentials", "app-password-required service-disabled", NULL },
	{ NULL, S, AUTH, N0, "550 User has no permission", "service-disabled", NULL, NULL },
	{ NULL, S, SEND, N0, "550 User has no permission", "service-disabled", NULL, NULL },
	{ NULL, S, SEND, N0, "554 DT:SPM 163 smtp14,EsCowAD3Q2 please see http://mail.163.com/help/help_spam_16.htm?ip=198.51.100.7", "message-rejected-spam", NULL, NULL },
	{ NULL, S, SEND, N0, "550 Connection frequency limited", "rate-limited", NULL, NULL },
	/* QQ / Tencent */
	{ NULL, S, AUTH, N0, "535 Login Fail. Please enter your authorization code to login. More information in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256", "app-password-required", "wrong-credentials", NULL },
	{ NULL, S, AUTH, N0, "535 Error: 请使用授权码登录。详情请看: http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256", "app-password-required", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy.", "service-disabled", NULL, "app-password-required" },
	{ NULL, I, AUTH, N0, "a1 NO Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy.", "service-disabled", NULL, "rate-limited" },
	{ "plainapp", I, AUTH, N0, "a1 NO Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy.", "app-password-required", "service-disabled", "account-locked" },
	/* Gmail */
	{ NULL, S, AUTH, N0, "534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor", "app-password-required", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", "wrong-credentials", "app-password-required", NULL },
	{ "plainapp", I, AUTH, N0, "a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", "app-password-required", "wrong-credentials service-disabled", NULL },
	{ NULL, I, AUTH, N0, "* NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)\r\na1 NO [ALERT] Your account is not enabled for IMAP use. (Failure)", "service-disabled", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO [ALERT] Please log in via your web browser: http://support.google.com/mail/accounts/bin/answer.py?answer=78754 (Failure)", "account-locked", NULL, NULL },
	{ NULL, S, AUTH, N0, "454 4.7.0 Too many login attempts, please try again later. Learn more at 4.7.0 https://support.google.com/mail/answer/7126229 - gsmtp", "rate-limited", NULL, NULL },
	{ NULL, S, AUTH, N0, "530 5.7.0 Must issue a STARTTLS command first.", "encryption-required", NULL, NULL },
	{ NULL, S, AUTH, N0, "535-5.7.8 Username and Password not accepted. Learn more at\r\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials", "wrong-credentials", NULL, NULL },
	{ NULL, S, SEND, N0, "550 5.4.5 Daily user sending quota exceeded.", "rate-limited", NULL, NULL },
	/* a count per period or a sending quota in words beats the code's family (5.7.1: the sender) */
	{ NULL, S, SEND, N0, "554 5.7.1 Rejected: no more than 200 recipients per hour", "rate-limited", NULL, NULL },
	{ NULL, S, SEND, N0, "550 5.7.1 Sending quota reached for this account", "rate-limited", NULL, NULL },
	{ NULL, S, SEND, N0, "550 发信超过每天500封的限制", "rate-limited", NULL, NULL },
	/* Outlook / Microsoft */
	{ NULL, S, AUTH, N0, "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [DB8PR04CA0012.eurprd04.prod.outlook.com]", "oauth-required", NULL, NULL },
	{ NULL, S, AUTH, N0, "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", "oauth-required", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO LOGIN failed.", "wrong-credentials", NULL, NULL },
	{ "oauth", I, AUTH, N0, "a1 NO LOGIN failed.", "oauth-required", "wrong-credentials", NULL },
	{ "oauth", I, AUTH, N0, "a1 NO AUTHENTICATE failed.", "oauth-required", NULL, NULL },
	{ NULL, S, SEND, N0, "530 5.7.57 Client not authenticated to send mail", "wrong-credentials", "sender-not-allowed", NULL },
	/* Others seen in public reports */
	{ NULL, S, AUTH, N0, "535 5.7.0 Invalid login or password", "wrong-credentials", NULL, NULL },
	{ NULL, S, AUTH, N0, "535 auth failed (this user authenticate too many times)", "rate-limited", NULL, "wrong-credentials" },
	{ NULL, S, AUTH, N0, "535 5.7.0 (#AUTH005) Too many bad auth attempts.", "rate-limited", NULL, NULL },
	{ NULL, S, AUTH, N0, "535 5.7.8 Authentication failed.", "wrong-credentials", "app-password-required service-disabled", NULL },
	{ NULL, I, AUTH, N0, "a1 NO [AUTHENTICATIONFAILED] Authentication failed.", "wrong-credentials", NULL, NULL },
	{ "login", I, AUTH, N0, "a1 NO [AUTHENTICATIONFAILED] Authentication failed.", "wrong-credentials", "account-locked", NULL },
	/* RFC 5530 response codes */
	{ NULL, I, AUTH, N0, "a1 NO [UNAVAILABLE] Temporary authentication failure", "temporary-failure", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO [LIMIT] Too many concurrent connections", "rate-limited", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO [CONTACTADMIN] Ask your administrator", "account-locked", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO [EXPIRED] Password expired", "wrong-credentials", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO [PRIVACYREQUIRED] Use TLS first", "encryption-required", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO [AUTHORIZATIONFAILED] No such authorization-ID", "service-disabled", NULL, NULL },
	{ NULL, I, GREET, N0, "* BYE Too many connections from your IP", "rate-limited", NULL, NULL },
	{ NULL, I, GREET, N0, "* BYE Server shutting down", "temporary-failure", "ip-not-allowed", NULL },
	/* SMTP codes (RFC 3463/4954/5248) */
	{ NULL, S, AUTH, N0, "534 5.7.9 Authentication mechanism is too weak", "app-password-required", NULL, NULL },
	{ NULL, S, AUTH, N0, "538 5.7.11 Encryption required for requested authentication mechanism", "encryption-required", NULL, NULL },
	{ NULL, S, AUTH, N0, "454 4.7.0 Temporary authentication failure", "temporary-failure", NULL, NULL },
	{ NULL, S, GREET, N0, "421 4.7.0 Try again later, closing connection.", "temporary-failure", NULL, NULL },
	{ NULL, S, SEND, N0, "451 4.3.0 Temporary server error. Please try again later", "temporary-failure", NULL, NULL },
	{ NULL, S, SEND, N0, "450 4.7.28 Rate limited", "rate-limited", NULL, NULL },
	{ NULL, S, SEND, N0, "550 5.7.1 Sender address rejected: not owned by user", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "553 Mail from must equal authorized user", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "554 5.7.1 Message rejected as spam by Content Filtering.", "message-rejected-spam", NULL, NULL },
	{ NULL, S, SEND, N0, "550 5.7.60 SMTP; Client does not have permissions to send as this sender", "sender-not-allowed", NULL, NULL },
	{ NULL, S, GREET, N0, "554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked", "ip-not-allowed", NULL, NULL },
	{ NULL, S, AUTH, N0, "504 5.5.4 Unrecognized authentication type", "protocol-error", NULL, NULL },
	/* Chinese wording */
	{ NULL, S, AUTH, N0, "535 Error: 密码错误", "wrong-credentials", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO 您的账号已被冻结，请联系客服", "account-locked", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO 登录IP不在白名单内", "ip-not-allowed", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO 登录频率过快，请稍后再试", "rate-limited", NULL, NULL },
	{ NULL, I, AUTH, N0, "a1 NO IMAP服务未开启", "service-disabled", NULL, NULL },
	{ NULL, S, SEND, N0, "550 邮件内容被判定为垃圾邮件", "message-rejected-spam", NULL, NULL },
	{ NULL, S, AUTH, N0, "535 请使用独立密码登录", "app-password-required", NULL, NULL },
	/* Network and TLS outcomes */
	{ NULL, I, MPA_STAGE_CONNECT, MPA_NET_DNS, NULL, "dns-failure", NULL, NULL },
	{ NULL, I, MPA_STAGE_CONNECT, MPA_NET_REFUSED, NULL, "connection-refused", NULL, NULL },
	{ NULL, S, MPA_STAGE_GREETING, MPA_NET_TIMEOUT, NULL, "timeout", NULL, NULL },
	{ NULL, I, MPA_STAGE_GREETING, MPA_NET_CLOSED, NULL, "connection-closed", "ip-not-allowed", NULL },
	{ NULL, I, MPA_STAGE_TLS, MPA_NET_TLS_HANDSHAKE, NULL, "tls-handshake-failed", NULL, NULL },
	{ NULL, I, MPA_STAGE_TLS, MPA_NET_CERT_UNTRUSTED, NULL, "certificate-untrusted", NULL, NULL },
	{ NULL, S, MPA_STAGE_TLS, MPA_NET_CERT_EXPIRED, NULL, "certificate-expired", NULL, NULL },
	{ NULL, S, MPA_STAGE_TLS, MPA_NET_CERT_HOSTNAME, NULL, "certificate-hostname-mismatch", NULL, NULL },
	{ NULL, I, MPA_STAGE_GREETING, MPA_NET_PROTOCOL, NULL, "protocol-error", NULL, NULL },
	{ NULL, S, MPA_STAGE_TLS, MPA_NET_STARTTLS_UNSUPPORTED, NULL, "tls-handshake-failed", NULL, NULL },
	/* the check's own refusals: outdated TLS, a setting without encryption, PREAUTH for STARTTLS */
	{ NULL, I, MPA_STAGE_TLS, MPA_NET_TLS_OUTDATED, NULL, "tls-outdated", NULL, NULL },
	{ "app", S, MPA_STAGE_TLS, MPA_NET_TLS_OUTDATED, NULL, "tls-outdated", NULL, NULL },
	{ NULL, S, MPA_STAGE_TLS, MPA_NET_UNENCRYPTED, NULL, "encryption-required", NULL, NULL },
	{ "app", I, MPA_STAGE_TLS, MPA_NET_UNENCRYPTED, NULL, "encryption-required", NULL, NULL },
	{ NULL, I, MPA_STAGE_TLS, MPA_NET_PREAUTH, NULL, "preauth-unencrypted", NULL, NULL },
	/* a network outcome is a fact that no provider catch-all hides */
	{ "app", I, AUTH, MPA_NET_TIMEOUT, NULL, "timeout", NULL, NULL },
/* the same failures in other programs' words, with no network outcome given (explain) */
#define CON MPA_STAGE_CONNECT
#define TLS MPA_STAGE_TLS
	{ NULL, S, TLS, N0, "error:1408F10B:SSL routines:ssl3_get_record:wrong version number", "tls-handshake-failed", NULL, NULL },
	{ NULL, S, TLS, N0, "ssl.SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1129)", "tls-handshake-failed", NULL, NULL },
	{ NULL, I, TLS, N0, "GnuTLS error: An unexpected TLS packet was received.", "tls-handshake-failed", NULL, NULL },
	{ NULL, S, TLS, N0, "javax.net.ssl.SSLException: Unrecognized SSL message, plaintext connection?", "tls-handshake-failed", NULL, NULL },
	{ NULL, S, TLS, N0, "System.Security.Authentication.AuthenticationException: The handshake failed due to an unexpected packet format.", "tls-handshake-failed", NULL, NULL },
	{ NULL, S, TLS, N0, "curl: (35) error:0A00010B:SSL routines::wrong version number", "tls-handshake-failed", NULL, NULL },
	{ NULL, I, TLS, N0, "SSL_ERROR_RX_RECORD_TOO_LONG", "tls-handshake-failed", NULL, NULL },
	{ NULL, I, TLS, N0, "mailimap_ssl_connect: MAILIMAP_ERROR_SSL", "tls-handshake-failed", NULL, NULL },
	{ NULL, S, TLS, N0, "Error: self-signed certificate in certificate chain", "certificate-untrusted", NULL, NULL },
	{ NULL, S, TLS, N0, "{ [Error: self signed certificate] code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }", "certificate-untrusted", NULL, NULL },
	{ NULL, I, TLS, N0, "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)", "certificate-untrusted", NULL, NULL },
	{ NULL, S, TLS, N0, "javax.net.ssl.SSLHandshakeException: PKIX path building failed: unable to find valid certification path to requested target", "certificate-untrusted", NULL, NULL },
	{ NULL, S, TLS, N0, "The remote certificate is invalid according to the validation procedure.", "certificate-untrusted", NULL, NULL },
	{ NULL, I, TLS, N0, "The certificate is NOT trusted. The certificate issuer is unknown.", "certificate-untrusted", NULL, NULL },
	{ NULL, S, TLS, N0, "curl: (60) SSL certificate problem: self-signed certificate", "certificate-untrusted", NULL, NULL },
	{ NULL, I, TLS, N0, "SEC_ERROR_UNKNOWN_ISSUER", "certificate-untrusted", NULL, NULL },
	{ NULL, I, TLS, N0, "certificate verify failed (certificate has expired)", "certificate-expired", NULL, NULL },
	{ NULL, S, TLS, N0, "{ [Error: certificate has expired] code: 'CERT_HAS_EXPIRED' }", "certificate-expired", NULL, NULL },
	{ NULL, I, TLS, N0, "The certificate has expired", "certificate-expired", NULL, NULL },
	{ NULL, S, TLS, N0, "java.security.cert.CertificateExpiredException: NotAfter: Sun Jan 01 00:00:00 UTC 2023", "certificate-expired", NULL, NULL },
	{ NULL, S, TLS, N0, "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: mail.example.net. is not in the cert's altnames: DNS:www.example.net", "certificate-hostname-mismatch", NULL, NULL },
	{ NULL, I, TLS, N0, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'imap.example.net'. (_ssl.c:1006)", "certificate-hostname-mismatch", NULL, NULL },
	{ NULL, I, TLS, N0, "The certificate's owner does not match hostname 'imap.example.net'", "certificate-hostname-mismatch", NULL, NULL },
	{ NULL, S, TLS, N0, "curl: (60) SSL: no alternative certificate subject name matches target host name 'smtp.example.net'", "certificate-hostname-mismatch", NULL, NULL },
	{ NULL, S, TLS, N0, "SSL_ERROR_BAD_CERT_DOMAIN", "certificate-hostname-mismatch", NULL, NULL },
	{ NULL, S, TLS, N0, "smtplib.SMTPNotSupportedError: STARTTLS extension not supported by server.", "tls-handshake-failed", "protocol-error", NULL },
	{ NULL, S, CON, N0, "Error: getaddrinfo ENOTFOUND smtp.example.net", "dns-failure", NULL, NULL },
	{ NULL, S, CON, N0, "socket.gaierror: [Errno -2] Name or service not known", "dns-failure", NULL, NULL },
	{ NULL, S, CON, N0, "java.net.UnknownHostException: smtp.example.net", "dns-failure", NULL, NULL },
	{ NULL, S, CON, N0, "System.Net.Sockets.SocketException: No such host is known", "dns-failure", NULL, NULL },
	{ NULL, S, CON, N0, "curl: (6) Could not resolve host: smtp.example.net", "dns-failure", NULL, NULL },
	{ NULL, S, CON, N0, "Error: connect ECONNREFUSED 203.0.113.9:587", "connection-refused", NULL, NULL },
	{ NULL, S, CON, N0, "ConnectionRefusedError: [Errno 111] Connection refused", "connection-refused", NULL, NULL },
	{ NULL, S, CON, N0, "java.net.ConnectException: Connection refused (Connection refused)", "connection-refused", NULL, NULL },
	{ NULL, S, CON, N0, "No connection could be made because the target machine actively refused it 203.0.113.9:25", "connection-refused", NULL, NULL },
	{ NULL, S, CON, N0, "curl: (7) Failed to connect to smtp.example.net port 587: Connection refused", "connection-refused", NULL, NULL },
	{ NULL, S, CON, N0, "Error: connect ETIMEDOUT 203.0.113.9:465", "timeout", NULL, NULL },
	{ NULL, S, CON, N0, "TimeoutError: [Errno 110] Connection timed out", "timeout", NULL, NULL },
	{ NULL, S, CON, N0, "java.net.SocketTimeoutException: connect timed out", "timeout", NULL, NULL },
	{ NULL, S, CON, N0, "A connection attempt failed because the connected party did not properly respond after a period of time", "timeout", NULL, NULL },
	{ NULL, S, CON, N0, "curl: (28) Failed to connect to smtp.example.net port 25 after 129 ms: Operation timed out", "timeout", NULL, NULL },
	{ NULL, S, GREET, N0, "Error: read ECONNRESET", "connection-closed", NULL, NULL },
	{ NULL, S, GREET, N0, "smtplib.SMTPServerDisconnected: Connection unexpectedly closed", "connection-closed", NULL, NULL },
	{ NULL, S, GREET, N0, "Unable to read data from the transport connection: net_io_connectionclosed.", "connection-closed", NULL, NULL },
	{ NULL, I, GREET, N0, "Stream error: MAILIMAP_ERROR_STREAM", "connection-closed", NULL, NULL },
	/* Thunderbird's and Claws Mail's own connection texts */
	{ NULL, I, CON, N0, "The connection to the server imap.example.net was reset.", "connection-closed", NULL, NULL },
	{ NULL, S, SEND, N0, "The connection to Outgoing server (SMTP) smtp.example.net was lost in the middle of the transaction. Try sending the message again.", "connection-closed", NULL, NULL },
	{ NULL, S, TLS, N0, "Unable to establish a secure link with SMTP server smtp.example.net using STARTTLS since it doesn't advertise that feature. Switch off STARTTLS for that server or contact your service provider.", "tls-handshake-failed", "protocol-error", NULL },
	{ NULL, S, CON, N0, "can't connect to SMTP server: smtp.example.net:25", "connection-refused", "timeout dns-failure", NULL },
	{ NULL, I, CON, N0, "Connection to imap.example.net:993 failed", "connection-refused", "timeout dns-failure", NULL },
	/* libcurl's (7) says how long it waited: a long wait is nobody answering, a short one a refusal */
	{ NULL, S, CON, N0, "curl: (7) Failed to connect to smtp.example.net port 587 after 21045 ms: Couldn't connect to server", "timeout", NULL, NULL },
	{ NULL, S, CON, N0, "curl: (7) Failed to connect to smtp.example.net port 587 after 12 ms: Couldn't connect to server", "connection-refused", NULL, NULL },
	{ NULL, S, CON, N0, "curl: (7) Failed to connect to smtp.example.net port 465 after 30 s: Couldn't connect to server", "timeout", NULL, NULL },
	/* Thunderbird's words for a refused login */
	{ NULL, S, AUTH, N0, "Login to server smtp.example.net with username a@example.net failed.", "wrong-credentials", NULL, NULL },
	/* a hang-up after the password may be the answer to it */
	{ "app", S, AUTH, N0, "smtplib.SMTPServerDisconnected: Connection unexpectedly closed", "connection-closed", NULL, "app-password-required" },
	/* an unrecognised text still lists the stage's likely causes */
	{ NULL, S, CON, N0, "something odd happened", "unknown", "dns-failure connection-refused timeout", NULL },
	{ NULL, I, TLS, N0, "something odd happened", "unknown", "tls-handshake-failed certificate-untrusted", NULL },
	/* the login wants an encrypted connection: not a password problem, even at a provider whose
	 * catch-all is its app password */
	{ NULL, S, AUTH, N0, "530 5.7.0 Must issue a STARTTLS command first. x7sm1 - gsmtp", "encryption-required", NULL, NULL },
	{ "app", S, AUTH, N0, "530 5.7.7 Email sending without SSL/TLS encryption is not allowed.", "encryption-required", NULL, NULL },
	{ "app", I, AUTH, N0, "a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.", "encryption-required", NULL, NULL },
	{ "app", I, AUTH, N0, "a1 BAD Plaintext authentication disallowed on non-secure (SSL/TLS) connections.", "encryption-required", NULL, NULL },
	{ NULL, S, AUTH, N0, "503 5.5.1 Error: authentication not enabled", "encryption-required", NULL, NULL },
	{ NULL, S, AUTH, N0, "SMTP AUTH is required for message submission on port 587", "encryption-required", NULL, NULL },
	/* words about the sender beat a generic "rejected" and a code's family */
	{ NULL, S, SEND, N0, "550 5.7.1 Message rejected: From address is not one of your addresses.", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "554 5.2.252 SendAsDenied; sender@example.net not allowed to send as other@example.net", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "451 4.7.1 Sender address rejected: not owned by user x@example.net", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "\"MAIL FROM\" doesn't conform with authentication [@sm060104], SMTP code: 436", "sender-not-allowed", NULL, NULL },
	/* "the sender must match / does not match the login", whatever the code says (spam, 4.7.x, 4xx) */
	{ NULL, S, SEND, N0, "554 Sender address must match the authenticated login", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "550 sender address does not match the logged in user", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "451 4.7.1 Sender address must match the authenticated login", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "451 4.3.0 Sender address is not the same as your login", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "550 5.7.1 The From address isn't the same as the authenticated account", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "550 Sender should equal the logged-in user name", "sender-not-allowed", NULL, NULL },
	{ NULL, S, SEND, N0, "553 5.7.1 sender doesn't match authenticated user", "sender-not-allowed", NULL, NULL },
	{ "app", S, SEND, N0, "554 Envelope-from has to be the same as the authenticated account", "sender-not-allowed", NULL, NULL },
	/* ... but a spam verdict that merely mentions the account stays one */
	{ NULL, S, SEND, N0, "554 5.7.1 Message from this account rejected as spam", "message-rejected-spam", NULL, NULL },
	/* words beat the code class: a 4xx after failed logins is the risk control, not a passing fault */
	{ NULL, S, AUTH, N0, "454 4.7.0 Too many failed login attempts, please try again later.", "rate-limited", "account-locked", NULL },
	/* codes quoted inside other programs' messages */
	{ NULL, S, AUTH, N0, "Error: Invalid login: 534-5.7.9 Application-specific password required.", "app-password-required", NULL, NULL },
	{ NULL, S, AUTH, N0, "smtplib.SMTPAuthenticationError: (534, b'5.7.9 Application-specific password required.')", "app-password-required", NULL, NULL },
	{ NULL, S, AUTH, N0, "SMTP 5xx error: permanent error (535): 5.7.139 Authentication unsuccessful", "oauth-required", NULL, NULL },
	{ NULL, I, AUTH, N0, "imaplib.error: b'[UNAVAILABLE] Temporary authentication failure'", "temporary-failure", NULL, NULL },
	/* Python's \xNN escapes and GBK shown as Latin-1 are read as the server wrote them */
	{ NULL, S, AUTH, N0, "(535, b'Error: \\xc7\\xeb\\xca\\xb9\\xd3\\xc3\\xca\\xda\\xc8\\xa8\\xc2\\xeb\\xb5\\xc7\\xc2\\xbc')", "app-password-required", NULL, NULL },
	{ NULL, S, AUTH, N0, "535 Error: \u00c7\u00eb\u00ca\u00b9\u00d3\u00c3\u00ca\u00da\u00c8\u00a8\u00c2\u00eb\u00b5\u00c7\u00c2\u00bc", "app-password-required", NULL, NULL },
	/* stage fallbacks */
	{ NULL, I, AUTH, N0, "a1 NO go away", "wrong-credentials", NULL, NULL },
	{ NULL, I, SEL, N0, "a3 BAD Command syntax error", "protocol-error", NULL, NULL },
	{ NULL, I, SEL, N0, "a3 NO xyzzy", "unknown", NULL, NULL },
};

static gboolean has_cause(const MpaDiagnosis *d, const gchar *id, guint from)
{
	for (guint i = from; i < d->causes->len; i++)
		if (strcmp(((MpaExplanation *)g_ptr_array_index(d->causes, i))->cause, id) == 0)
			return TRUE;
	return FALSE;
}

static const gchar *cause_at(const MpaDiagnosis *d, guint i)
{
	return i < d->causes->len ? ((MpaExplanation *)g_ptr_array_index(d->causes, i))->cause : "(none)";
}

static const gchar *title_at(const MpaDiagnosis *d, guint i)
{
	return i < d->causes->len ? ((MpaExplanation *)g_ptr_array_index(d->causes, i))->title : "";
}

static void check_case(gconstpointer data)
{
	const Case *c = data;
	MpaFailure f = { c->protocol, c->stage, c->net, c->reply, NULL, 0, NULL };
	MpaDiagnosis *d = mpa_diagnose(provider_by_name(c->provider), &f, "en");

	g_assert_nonnull(d);
	g_assert_cmpuint(d->causes->len, >=, 1);
	{
		g_autoptr(GString) got = g_string_new(NULL);

		for (guint i = 0; i < d->causes->len; i++)
			g_string_append_printf(got, " %s", cause_at(d, i));
		g_test_message("%s (net %d) ->%s", c->reply != NULL ? c->reply : "", (gint)c->net, got->str);
	}
	g_assert_cmpstr(cause_at(d, 0), ==, c->cause);
	if (c->candidates != NULL) {
		g_auto(GStrv) want = g_strsplit(c->candidates, " ", -1);

		for (guint i = 0; want[i] != NULL; i++)
			g_assert_cmpstr(cause_at(d, i + 1), ==, want[i]);
	}
	if (c->contains != NULL)
		g_assert_true(has_cause(d, c->contains, 1));
	for (guint i = 0; i < d->causes->len; i++) {
		const MpaExplanation *e = g_ptr_array_index(d->causes, i);

		g_assert_true(mpa_cause_is_valid(e->cause));
		g_assert_true(e->title != NULL && *e->title != '\0');
		g_assert_true(e->fix != NULL && *e->fix != '\0');
		for (guint j = i + 1; j < d->causes->len; j++) /* listed once */
			g_assert_cmpstr(e->cause, !=, cause_at(d, j));
	}
	if (c->reply != NULL)
		g_assert_nonnull(d->reply);
	mpa_diagnosis_free(d);
}

/* ---- Sohu, from the shipped provider file ---- */

static MpaDb *db;

typedef struct {
	MpaProtocol protocol;
	MpaStage stage;
	MpaNetError net;
	const gchar *reply;
	const gchar *cause;
	const gchar *also; /* space separated, all must be among the candidates */
} SohuCase;

static const SohuCase sohu_cases[] = {
	/* the seed's pit-avoidance table, row by row */
	/* login password instead of the independent password: the documented reply */
	{ S, AUTH, N0, "535 Authentication failed", "app-password-required", "service-disabled ip-not-allowed wrong-credentials" },
	{ I, AUTH, N0, "a1 NO LOGIN Login failed", "app-password-required", "service-disabled ip-not-allowed wrong-credentials" },
	{ I, AUTH, N0, "a1 NO [AUTHENTICATIONFAILED] Authentication failed.", "app-password-required", "service-disabled ip-not-allowed" },
	{ I, AUTH, N0, "a1 NO 系统出了点小问题", "app-password-required", "service-disabled ip-not-allowed" },
	{ S, AUTH, N0, "535 5.7.8 something Sohu never said before", "app-password-required", "service-disabled ip-not-allowed" },
	{ S, AUTH, N0, "550 xyzzy", "app-password-required", "service-disabled ip-not-allowed" },
	/* service not switched on */
	{ I, AUTH, N0, "a1 NO IMAP service is not open for this account", "service-disabled", "app-password-required" },
	{ S, AUTH, N0, "553 SMTP服务未开启", "service-disabled", "app-password-required" },
	/* IP whitelist */
	{ I, AUTH, N0, "a1 NO login denied: IP not in whitelist", "ip-not-allowed", "app-password-required service-disabled" },
	{ I, MPA_STAGE_GREETING, MPA_NET_CLOSED, NULL, "connection-closed", "ip-not-allowed" },
	{ S, MPA_STAGE_GREETING, N0, "554 IP is rejected", "ip-not-allowed", NULL },
	/* bulk sending: risk control and throttling */
	{ S, SEND, N0, "554 DT:SPM message rejected as spam", "message-rejected-spam", "rate-limited" },
	{ S, SEND, N0, "550 too many messages today", "rate-limited", NULL },
	{ S, SEND, N0, "421 slow down", "rate-limited", NULL },
	/* a stale independent password: wrong-credentials is a candidate of every auth failure (above) */
	/* a decisive code is not hidden by Sohu's auth catch-all */
	{ I, AUTH, N0, "a1 NO [UNAVAILABLE] Try again later", "temporary-failure", NULL },
};

static void check_sohu(gconstpointer data)
{
	const SohuCase *c = data;
	const MpaProvider *sohu = mpa_db_get(db, "sohu.com");
	MpaFailure f = { c->protocol, c->stage, c->net, c->reply, NULL, 0, NULL };
	MpaDiagnosis *d;

	g_assert_nonnull(sohu);
	d = mpa_diagnose(sohu, &f, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, c->cause);
	if (c->also != NULL) {
		g_auto(GStrv) want = g_strsplit(c->also, " ", -1);

		for (guint i = 0; want[i] != NULL; i++)
			g_assert_true(has_cause(d, want[i], 1));
	}
	mpa_diagnosis_free(d);
}

static void test_sohu_texts(void)
{
	const MpaProvider *sohu = mpa_db_get(db, "sohu.com");
	MpaFailure f = { S, AUTH, N0, "535 Authentication failed", NULL, 0, NULL };
	MpaDiagnosis *en, *zh;
	const MpaExplanation *e, *z;

	g_assert_nonnull(sohu);
	en = mpa_diagnose(sohu, &f, "en");
	zh = mpa_diagnose(sohu, &f, "zh_CN");
	g_assert_true(en->from_provider_rule);
	e = g_ptr_array_index(en->causes, 0);
	z = g_ptr_array_index(zh->causes, 0);
	/* Sohu's own words: the independent password, where to make it, and the link */
	g_assert_nonnull(strstr(e->title, "independent password"));
	g_assert_nonnull(strstr(e->fix, "POP3/SMTP/IMAP"));
	g_assert_nonnull(strstr(z->title, "独立密码"));
	g_assert_nonnull(e->link);
	g_assert_true(g_str_has_prefix(e->link, "https://"));
	g_assert_cmpstr(en->reply, ==, "535 Authentication failed");
	mpa_diagnosis_free(en);
	mpa_diagnosis_free(zh);
}

/* ---- Individual behaviours ---- */

static void test_gbk_twin(void)
{
	/* QQ's 535 in GBK, as a public bug report shows the bytes: "请使用授权码登录。详情请看: " */
	static const guint8 gbk[] = "535 Error: \xc7\xeb\xca\xb9\xd3\xc3\xca\xda\xc8\xa8\xc2\xeb\xb5\xc7\xc2\xbc"
				    "\xa1\xa3\xcf\xea\xc7\xe9\xc7\xeb\xbf\xb4: http://service.mail.qq.com/cgi-bin/help";
	const gchar *utf8 = "535 Error: 请使用授权码登录。详情请看: http://service.mail.qq.com/cgi-bin/help";
	g_autofree gchar *decoded = mpa_decode_reply(gbk, sizeof gbk - 1);
	MpaFailure a = { S, AUTH, N0, decoded, NULL, 0, NULL };
	MpaFailure b = { S, AUTH, N0, utf8, NULL, 0, NULL };
	g_autoptr(MpaDiagnosis) da = mpa_diagnose(NULL, &a, "en");
	/* not "db": that is the file's provider database */
	g_autoptr(MpaDiagnosis) dutf8 = mpa_diagnose(NULL, &b, "en");

	g_assert_cmpstr(decoded, ==, utf8);
	g_assert_cmpuint(da->causes->len, ==, dutf8->causes->len);
	for (guint i = 0; i < da->causes->len; i++)
		g_assert_cmpstr(cause_at(da, i), ==, cause_at(dutf8, i));
	g_assert_cmpstr(cause_at(da, 0), ==, "app-password-required");
	g_assert_cmpstr(da->reply, ==, dutf8->reply);
	g_assert_nonnull(strstr(da->reply, "授权码"));
}

static void test_unknown(void)
{
	MpaFailure f = { S, SEND, N0, "599 the \x1b[31mflux\x1b[0m capacitor\r\nis empty", NULL, 0, NULL };
	MpaDiagnosis *d = mpa_diagnose(NULL, &f, "en");

	g_assert_cmpuint(d->causes->len, ==, 1);
	g_assert_cmpstr(cause_at(d, 0), ==, "unknown");
	g_assert_false(d->from_provider_rule);
	/* the raw words are kept, made safe to print */
	g_assert_cmpstr(d->reply, ==, "599 the \\x1b[31mflux\\x1b[0m capacitor / is empty");
	mpa_diagnosis_free(d);
}

static void test_provider_rule_wins(void)
{
	/* generically spam; the provider says its DT:SPM means throttling */
	MpaFailure f = { S, SEND, N0, "554 DT:SPM 163 smtp14,xx please see http://mail.163.com/help/help_spam_16.htm", NULL, 0, NULL };
	MpaDiagnosis *d = mpa_diagnose(app_provider, &f, "en");
	MpaDiagnosis *g = mpa_diagnose(NULL, &f, "en");

	g_assert_true(d->from_provider_rule);
	g_assert_cmpstr(cause_at(d, 0), ==, "rate-limited");
	g_assert_cmpstr(cause_at(d, 1), ==, "message-rejected-spam");
	g_assert_false(g->from_provider_rule);
	g_assert_cmpstr(cause_at(g, 0), ==, "message-rejected-spam");
	mpa_diagnosis_free(d);
	mpa_diagnosis_free(g);
}

static void test_provider_catch_all(void)
{
	/* unknown auth wording at the provider: its catch-all rule and its candidates */
	MpaFailure f = { I, AUTH, N0, "a1 NO something the server never said before", NULL, 0, NULL };
	MpaDiagnosis *d = mpa_diagnose(app_provider, &f, "en");
	/* a decisive code is not hidden by the catch-all */
	MpaFailure busy = { I, AUTH, N0, "a1 NO [UNAVAILABLE] Server busy", NULL, 0, NULL };
	MpaDiagnosis *b = mpa_diagnose(app_provider, &busy, "en");

	g_assert_true(d->from_provider_rule);
	g_assert_cmpstr(cause_at(d, 0), ==, "app-password-required");
	g_assert_cmpstr(cause_at(d, 1), ==, "service-disabled");
	g_assert_cmpstr(cause_at(d, 2), ==, "ip-not-allowed");
	g_assert_false(b->from_provider_rule);
	g_assert_cmpstr(cause_at(b, 0), ==, "temporary-failure");
	mpa_diagnosis_free(d);
	mpa_diagnosis_free(b);
}

static void test_provider_texts(void)
{
	MpaFailure f = { I, AUTH, N0, "a1 NO [AUTHORIZATIONFAILED] no", NULL, 0, NULL };
	MpaDiagnosis *d = mpa_diagnose(app_provider, &f, "en");
	MpaDiagnosis *z = mpa_diagnose(app_provider, &f, "zh_CN");
	const MpaExplanation *e, *ez;

	/* the catch-all rule catches it at this provider; its service-disabled text is the provider's */
	g_assert_true(d->from_provider_rule);
	g_assert_true(has_cause(d, "service-disabled", 0));
	for (guint i = 0; i < d->causes->len; i++) {
		e = g_ptr_array_index(d->causes, i);
		ez = g_ptr_array_index(z->causes, i);
		if (strcmp(e->cause, "service-disabled") == 0) {
			g_assert_cmpstr(e->title, ==, "Switch on IMAP at AppTest");
			g_assert_cmpstr(e->fix, ==, "Settings, Mail, tick IMAP.");
			g_assert_cmpstr(e->link, ==, "https://mail.apptest.example/settings");
			g_assert_cmpstr(ez->title, ==, "在 AppTest 开启 IMAP");
		} else if (strcmp(e->cause, "app-password-required") == 0) {
			/* generic steps plus the provider's name for the password */
			g_assert_nonnull(strstr(e->fix, "“authorization code”"));
			g_assert_nonnull(strstr(ez->fix, "“授权码”"));
			g_assert_null(e->link);
		}
	}
	mpa_diagnosis_free(d);
	mpa_diagnosis_free(z);
}

static void test_explicit_lang(void)
{
	MpaFailure f = { MPA_PROTOCOL_IMAP, MPA_STAGE_CONNECT, MPA_NET_DNS, NULL, NULL, 0, NULL };
	MpaDiagnosis *en = mpa_diagnose(NULL, &f, "en");
	MpaDiagnosis *zh = mpa_diagnose(NULL, &f, "zh_CN");
	MpaDiagnosis *zh2 = mpa_diagnose(NULL, &f, "zh-CN.UTF-8");

	g_assert_cmpstr(((MpaExplanation *)g_ptr_array_index(en->causes, 0))->title, ==,
			"The server name could not be found");
	g_assert_cmpstr(((MpaExplanation *)g_ptr_array_index(zh->causes, 0))->title, ==, "找不到服务器名称");
	g_assert_cmpstr(((MpaExplanation *)g_ptr_array_index(zh2->causes, 0))->title, ==, "找不到服务器名称");
	mpa_diagnosis_free(en);
	mpa_diagnosis_free(zh);
	mpa_diagnosis_free(zh2);
	/* the rule of mpa-lang.h, as for provider texts: a bare "zh" is Simplified Chinese, zh_TW
	 * (no catalogue of its own) and the C locale are English */
	{
		static const struct {
			const gchar *lang, *title;
		} langs[] = {
			{ "zh", "找不到服务器名称" },
			{ "zh_CN.GB18030", "找不到服务器名称" },
			{ "zh_TW.UTF-8", "The server name could not be found" },
			{ "C", "The server name could not be found" },
			{ "en_US", "The server name could not be found" },
		};

		for (guint i = 0; i < G_N_ELEMENTS(langs); i++) {
			g_autoptr(MpaDiagnosis) d = mpa_diagnose(NULL, &f, langs[i].lang);

			g_assert_cmpstr(((MpaExplanation *)g_ptr_array_index(d->causes, 0))->title, ==,
					langs[i].title);
		}
	}
}

static void test_locale_zh(void)
{
	MpaFailure f = { S, AUTH, N0, "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.", NULL, 0, NULL };
	MpaDiagnosis *d;
	const gchar *title;

	/* lang NULL follows the process locale, as the plugin and the CLI use it */
	g_assert_nonnull(setlocale(LC_ALL, "zh_CN.UTF-8"));
	g_setenv("LC_ALL", "zh_CN.UTF-8", TRUE);
	d = mpa_diagnose(oauth_provider, &f, NULL);
	title = ((MpaExplanation *)g_ptr_array_index(d->causes, 0))->title;
	g_assert_cmpstr(title, ==, "该服务商已不再接受密码登录：请使用 OAuth2 授权");
	for (guint i = 0; i < d->causes->len; i++)
		g_assert_false(g_str_has_prefix(((MpaExplanation *)g_ptr_array_index(d->causes, i))->title, "The "));
	mpa_diagnosis_free(d);
	g_setenv("LC_ALL", "C.UTF-8", TRUE);
	setlocale(LC_ALL, "C.UTF-8");
}

static void test_every_cause_translated(void)
{
	/* every cause has a title and fix in both languages, and the Chinese ones differ */
	for (const gchar *const *id = mpa_cause_ids(); *id != NULL; id++) {
		MpaProvider fake = { 0 };
		MpaRule rule = { MPA_RULE_ANY_PROTOCOL, MPA_RULE_ANY_STAGE, NULL, NULL, (gchar *)*id, NULL, 1 };
		gchar *none[] = { NULL };
		GPtrArray *rules = g_ptr_array_new();
		MpaFailure f = { I, SEL, N0, "a3 NO whatever", NULL, 0, NULL };
		MpaDiagnosis *en, *zh;
		const MpaExplanation *a, *b;

		/* a one-rule provider forces each cause */
		rule.candidates = none;
		g_ptr_array_add(rules, &rule);
		fake.id = (gchar *)"fake";
		fake.rules = rules;
		en = mpa_diagnose(&fake, &f, "en");
		zh = mpa_diagnose(&fake, &f, "zh_CN");
		a = g_ptr_array_index(en->causes, 0);
		b = g_ptr_array_index(zh->causes, 0);
		g_assert_cmpstr(a->cause, ==, *id);
		g_assert_cmpstr(a->title, !=, b->title);
		g_assert_cmpstr(a->fix, !=, b->fix);
		g_assert_true(g_utf8_validate(b->fix, -1, NULL));
		mpa_diagnosis_free(en);
		mpa_diagnosis_free(zh);
		g_ptr_array_unref(rules);
	}
}

static void test_validator(void)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
	MpaProvider *p;
	gboolean cause_reported = FALSE, regex_reported = FALSE, stage_reported = FALSE;

	p = load_inline("bad.example",
			"<mpa:password kind=\"login\"/>\n"
			"<mpa:rule stage=\"auth\" cause=\"password-is-wrong\"/>\n"
			"<mpa:rule stage=\"auth\" match=\"(unclosed\" cause=\"wrong-credentials\"/>\n"
			"<mpa:cause id=\"rate-limited\" stage=\"sending\"><mpa:title lang=\"en\">T</mpa:title>"
			"<mpa:title lang=\"zh_CN\">T</mpa:title><mpa:fix lang=\"en\">F</mpa:fix>"
			"<mpa:fix lang=\"zh_CN\">F</mpa:fix></mpa:cause>\n",
			problems);
	g_assert_null(p);
	for (guint i = 0; i < problems->len; i++) {
		g_autofree gchar *s = mpa_problem_to_string(g_ptr_array_index(problems, i));

		if (strstr(s, "password-is-wrong") != NULL)
			cause_reported = TRUE;
		if (strstr(s, "(unclosed") != NULL)
			regex_reported = TRUE;
		if (strstr(s, "unknown stage 'sending'") != NULL)
			stage_reported = TRUE;
	}
	g_assert_true(cause_reported);
	g_assert_true(regex_reported);
	g_assert_true(stage_reported); /* a cause's stage is checked like a rule's */
}

static void test_diagnose_result(void)
{
	MpaProtoResult r = { 0 };
	MpaDiagnosis *d;
	static const guint8 raw[] = "a1 NO [AUTHENTICATIONFAILED] Authentication failed.";

	r.protocol = MPA_PROTOCOL_IMAP;
	r.outcome = MPA_OUTCOME_OK;
	g_assert_null(mpa_diagnose_result(NULL, &r, "en"));
	r.outcome = MPA_OUTCOME_FAILED;
	r.stage = MPA_STAGE_AUTH;
	r.reply_raw = g_bytes_new_static(raw, sizeof raw - 1);
	d = mpa_diagnose_result(app_provider, &r, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "app-password-required");
	g_assert_cmpstr(d->reply, ==, (const gchar *)raw);
	g_assert_null(strstr(title_at(d, 0), "no longer valid"));
	mpa_diagnosis_free(d);
	/* the connection test of an account that logged in before: the "stopped working" headline */
	d = mpa_diagnose_result_worked(app_provider, &r, TRUE, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "app-password-required");
	g_assert_nonnull(strstr(title_at(d, 0), "is no longer valid"));
	mpa_diagnosis_free(d);
	d = mpa_diagnose_result_worked(app_provider, &r, FALSE, "en");
	g_assert_null(strstr(title_at(d, 0), "no longer valid"));
	mpa_diagnosis_free(d);
	g_bytes_unref(r.reply_raw);
}

static void test_parse_smtp(void)
{
	guint code;
	gchar *enh;

	g_assert_true(mpa_reply_smtp("535 5.7.8 Authentication failed.", &code, &enh));
	g_assert_cmpuint(code, ==, 535);
	g_assert_cmpstr(enh, ==, "5.7.8");
	g_free(enh);
	g_assert_true(mpa_reply_smtp("534-5.7.9 Application-specific password required.", &code, &enh));
	g_assert_cmpuint(code, ==, 534);
	g_assert_cmpstr(enh, ==, "5.7.9");
	g_free(enh);
	g_assert_true(mpa_reply_smtp("535 5.7.139 Authentication unsuccessful", &code, &enh));
	g_assert_cmpstr(enh, ==, "5.7.139");
	g_free(enh);
	g_assert_true(mpa_reply_smtp("535 #5.7.0 Authentication failed", &code, &enh));
	g_assert_cmpstr(enh, ==, "5.7.0");
	g_free(enh);
	g_assert_true(mpa_reply_smtp("550 User has no permission", &code, &enh));
	g_assert_cmpuint(code, ==, 550);
	g_assert_null(enh);
	g_assert_true(mpa_reply_smtp("421", &code, &enh));
	g_assert_cmpuint(code, ==, 421);
	g_assert_true(mpa_reply_smtp("535 5.7.8.9 no", &code, &enh));
	g_assert_null(enh);
	/* multi-line: the last line's code, an enhanced code of a line with that code */
	g_assert_true(mpa_reply_smtp("535-5.7.8 Username and Password not accepted.\r\n"
				     "535 5.7.8 https://support.example/?p=BadCredentials x\r\n",
				     &code, &enh));
	g_assert_cmpuint(code, ==, 535);
	g_assert_cmpstr(enh, ==, "5.7.8");
	g_free(enh);
	g_assert_true(mpa_reply_smtp("550-5.7.1 first\n550 see the page", &code, &enh));
	g_assert_cmpuint(code, ==, 550);
	g_assert_cmpstr(enh, ==, "5.7.1");
	g_free(enh);
	g_assert_true(mpa_reply_smtp("250-PIPELINING\r\n250 AUTH LOGIN\r\n454 4.7.0 try later", &code, &enh));
	g_assert_cmpuint(code, ==, 454);
	g_assert_cmpstr(enh, ==, "4.7.0");
	g_free(enh);
	g_assert_true(mpa_reply_smtp("554 5.7.1\nsee the help page", &code, &enh));
	g_assert_cmpuint(code, ==, 554);
	g_assert_cmpstr(enh, ==, "5.7.1");
	g_free(enh);
	g_assert_true(mpa_reply_is_enhanced("5.7.139"));
	g_assert_false(mpa_reply_is_enhanced("5.7.8 "));
	g_assert_false(mpa_reply_is_enhanced("6.7.8"));
	g_assert_false(mpa_reply_is_enhanced(NULL));
	/* codes quoted by other programs */
	g_assert_true(mpa_reply_smtp_find("Error: Invalid login: 535-5.7.8 Username and Password not accepted.", &code, &enh));
	g_assert_cmpuint(code, ==, 535);
	g_assert_cmpstr(enh, ==, "5.7.8");
	g_free(enh);
	g_assert_true(mpa_reply_smtp_find("smtplib.SMTPAuthenticationError: (534, b'5.7.9 Application-specific password required')", &code, &enh));
	g_assert_cmpuint(code, ==, 534);
	g_assert_cmpstr(enh, ==, "5.7.9");
	g_free(enh);
	g_assert_true(mpa_reply_smtp_find("SMTP 5xx error: permanent error (535): 5.7.139 Authentication unsuccessful", &code, &enh));
	g_assert_cmpuint(code, ==, 535);
	g_assert_cmpstr(enh, ==, "5.7.139");
	g_free(enh);
	g_assert_true(mpa_reply_smtp_find("The server response was: 5.7.0 Must issue a STARTTLS command first.", &code, &enh));
	g_assert_cmpuint(code, ==, 0);
	g_assert_cmpstr(enh, ==, "5.7.0");
	g_free(enh);
	g_assert_true(mpa_reply_smtp_find("\"MAIL FROM\" doesn't conform with authentication, SMTP code: 436", &code, &enh));
	g_assert_cmpuint(code, ==, 436);
	g_assert_null(enh);
	/* ports, line numbers, versions and success codes are not reply codes */
	g_assert_false(mpa_reply_smtp_find("Error: connect ECONNREFUSED 74.125.28.109:465", &code, &enh));
	g_assert_false(mpa_reply_smtp_find("getaddrinfo ENOTFOUND gmail gmail:465", &code, &enh));
	g_assert_false(mpa_reply_smtp_find("Could not connect to SMTP host: smtp.sina.com, port: 465, response: -1", &code, &enh));
	g_assert_false(mpa_reply_smtp_find("at index.js:605:19 (Python 2.7.16, nodemailer v4.7.0) 250 OK", &code, &enh));
	g_assert_null(enh);
	g_assert_false(mpa_reply_smtp_find(NULL, &code, &enh));
	{
		g_autofree gchar *c1 = mpa_reply_imap_code_find("imaplib.error: b'[AUTHENTICATIONFAILED] Invalid credentials (Failure)'");
		g_autofree gchar *c2 = mpa_reply_imap_code_find("[ALERT] look [unavailable] busy");
		g_autofree gchar *c3 = mpa_reply_imap_code_find("[DB8PR04.PROD.OUTLOOK.COM] [FOO] nothing");

		g_assert_cmpstr(c1, ==, "AUTHENTICATIONFAILED");
		g_assert_cmpstr(c2, ==, "UNAVAILABLE");
		g_assert_null(c3);
	}
	g_assert_false(mpa_reply_smtp("5355 nope", &code, &enh));
	g_assert_false(mpa_reply_smtp("hello 535", &code, &enh));
	g_assert_false(mpa_reply_smtp("635 no", &code, &enh));
	g_assert_cmpuint(code, ==, 0);
	g_assert_false(mpa_reply_smtp(NULL, &code, &enh));
}

static void test_parse_imap(void)
{
	static const struct {
		const gchar *in, *out;
	} t[] = {
		{ "a1 NO [AUTHENTICATIONFAILED] Authentication failed.", "AUTHENTICATIONFAILED" },
		{ "NO [unavailable] busy", "UNAVAILABLE" },
		{ "[LIMIT] too many", "LIMIT" },
		{ "* NO [ALERT] read this\r\na1 NO [CONTACTADMIN] locked", "CONTACTADMIN" },
		{ "a1 NO [ALERT] Please log in via your web browser", "ALERT" },
		{ "* BYE [UNAVAILABLE] bye", "UNAVAILABLE" },
		/* a BYE says why the tagged NO that follows it came */
		{ "* BYE [UNAVAILABLE] busy\r\nA1 NO [ALERT] go away", "UNAVAILABLE" },
		{ "* NO [LIMIT] slow down\r\na1 NO [AUTHENTICATIONFAILED] no", "AUTHENTICATIONFAILED" },
		/* codes of OK lines are data, not a verdict */
		{ "* OK [CAPABILITY IMAP4rev1] ready\r\na1 NO Login failed", NULL },
		{ "* OK [CAPABILITY IMAP4rev1] ready", "CAPABILITY" },
		{ "* OK [ALERT] note\na1 NO [ALERT] read this", "ALERT" },
		{ "LOGIN failed.\r\n* BAD [CLIENTBUG] wrong", "CLIENTBUG" },
		{ "a1 NO LOGIN failed.", NULL },
		{ "a1 NO Login fail [see http://x]", NULL },
		{ "535 5.7.139 x [DB8PR04.PROD.OUTLOOK.COM]", NULL },
		{ "", NULL },
	};

	for (guint i = 0; i < G_N_ELEMENTS(t); i++) {
		g_autofree gchar *code = mpa_reply_imap_code(t[i].in);

		g_assert_cmpstr(code, ==, t[i].out);
	}
	g_assert_null(mpa_reply_imap_code(NULL));
}

static const gchar *fix_at(const MpaDiagnosis *d, guint i)
{
	return i < d->causes->len ? ((MpaExplanation *)g_ptr_array_index(d->causes, i))->fix : "";
}

/* The fix names the port, the security setting and the provider's servers where they are the fix. */
static void test_port_notes(void)
{
	MpaFailure f = { S, MPA_STAGE_CONNECT, N0, "Error: connect ETIMEDOUT 203.0.113.9:25", NULL, 0, NULL };
	MpaFailure g = { S, MPA_STAGE_TLS, N0, "error:1408F10B:SSL routines:ssl3_get_record:wrong version number", NULL, 0, NULL };
	MpaFailure h = { S, MPA_STAGE_TLS, MPA_NET_TLS_HANDSHAKE, NULL, NULL, 0, NULL };
	MpaFailure k = { S, AUTH, N0, "530 5.7.0 Must issue a STARTTLS command first.", NULL, 0, NULL };
	MpaFailure m = { S, AUTH, N0, "454 4.7.0 Too many failed login attempts, please try again later.", NULL, 0, NULL };
	MpaFailure q = { S, MPA_STAGE_CONNECT, N0, "Error: connect ETIMEDOUT 203.0.113.9:587", NULL, 0, NULL };
	MpaFailure t = { I, MPA_STAGE_TLS, MPA_NET_TLS_OUTDATED, NULL, NULL, 0, NULL, 993 };
	MpaFailure u = { S, MPA_STAGE_TLS, MPA_NET_UNENCRYPTED, NULL, NULL, 0, NULL, 25 };
	MpaFailure v = { I, MPA_STAGE_TLS, MPA_NET_PREAUTH, NULL, NULL, 0, NULL, 143 };
	MpaDiagnosis *d;

	/* port 25, named only in the text */
	d = mpa_diagnose(NULL, &f, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "timeout");
	g_assert_nonnull(strstr(fix_at(d, 0), "Port 25 is meant for servers"));
	mpa_diagnosis_free(d);
	/* the same failure on 587 gets no port-25 advice */
	d = mpa_diagnose(NULL, &q, "en");
	g_assert_null(strstr(fix_at(d, 0), "Port 25"));
	mpa_diagnosis_free(d);
	/* implicit TLS on a STARTTLS port: the text says so, the caller knows the port */
	g.port = 587;
	d = mpa_diagnose(NULL, &g, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "tls-handshake-failed");
	g_assert_nonnull(strstr(fix_at(d, 0), "Port 587 starts unencrypted"));
	mpa_diagnosis_free(d);
	/* without a port: the rule itself */
	g.port = 0;
	d = mpa_diagnose(NULL, &g, "en");
	g_assert_nonnull(strstr(fix_at(d, 0), "does not fit the port"));
	mpa_diagnosis_free(d);
	/* a security setting that does not fit the port, from the check (no text at all) */
	h.port = 465;
	h.has_security = TRUE;
	h.security = MPA_SECURITY_STARTTLS;
	d = mpa_diagnose(app_provider, &h, "en");
	g_assert_nonnull(strstr(fix_at(d, 0), "Port 465 expects SSL/TLS"));
	g_assert_nonnull(strstr(fix_at(d, 0), "smtp.apptest.example:465 SSL/TLS"));
	mpa_diagnosis_free(d);
	/* a fitting one: no such line */
	h.security = MPA_SECURITY_SSL;
	d = mpa_diagnose(app_provider, &h, "en");
	g_assert_null(strstr(fix_at(d, 0), "expects SSL/TLS"));
	mpa_diagnosis_free(d);
	/* encryption required: the provider's own servers, in both languages */
	d = mpa_diagnose(app_provider, &k, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "encryption-required");
	g_assert_nonnull(strstr(fix_at(d, 0), "This provider's servers: IMAP imap.apptest.example:993 SSL/TLS, SMTP smtp.apptest.example:465 SSL/TLS."));
	mpa_diagnosis_free(d);
	d = mpa_diagnose(app_provider, &k, "zh_CN");
	g_assert_nonnull(strstr(fix_at(d, 0), "该服务商的服务器：IMAP imap.apptest.example:993 SSL/TLS"));
	mpa_diagnosis_free(d);
	/* the check's own refusals explain themselves, never "match the security setting to the port" */
	d = mpa_diagnose(NULL, &t, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "tls-outdated");
	g_assert_nonnull(strstr(fix_at(d, 0), "TLS 1.0 or 1.1"));
	g_assert_nonnull(strstr(fix_at(d, 0), "the provider must upgrade it"));
	g_assert_nonnull(strstr(fix_at(d, 0), "may not be the provider's server"));
	g_assert_null(strstr(fix_at(d, 0), "Match the security setting"));
	mpa_diagnosis_free(d);
	d = mpa_diagnose(NULL, &t, "zh_CN");
	g_assert_cmpstr(cause_at(d, 0), ==, "tls-outdated");
	g_assert_nonnull(strstr(fix_at(d, 0), "必须由服务商升级"));
	mpa_diagnosis_free(d);
	d = mpa_diagnose(app_provider, &u, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "encryption-required");
	g_assert_nonnull(strstr(fix_at(d, 0), "sends no password over an unencrypted connection"));
	g_assert_nonnull(strstr(fix_at(d, 0), "This provider's servers: IMAP imap.apptest.example:993 SSL/TLS"));
	g_assert_null(strstr(fix_at(d, 0), "Match the security setting"));
	mpa_diagnosis_free(d);
	d = mpa_diagnose(app_provider, &u, "zh_CN");
	g_assert_nonnull(strstr(fix_at(d, 0), "不会通过未加密的连接发送密码"));
	mpa_diagnosis_free(d);
	/* a server that refuses on its own gets no "the check itself refused" line */
	d = mpa_diagnose(app_provider, &k, "en");
	g_assert_null(strstr(fix_at(d, 0), "check itself refused"));
	mpa_diagnosis_free(d);
	d = mpa_diagnose(NULL, &v, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "preauth-unencrypted");
	g_assert_nonnull(strstr(fix_at(d, 0), "Do not use this network or this server"));
	g_assert_null(strstr(fix_at(d, 0), "Match the security setting"));
	mpa_diagnosis_free(d);
	d = mpa_diagnose(NULL, &v, "zh_CN");
	g_assert_nonnull(strstr(fix_at(d, 0), "不要使用这个网络或这台服务器"));
	mpa_diagnosis_free(d);
	/* a block after failed logins: fix the password first */
	d = mpa_diagnose(NULL, &m, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "rate-limited");
	g_assert_nonnull(strstr(fix_at(d, 0), "correct the password in the mail program first"));
	mpa_diagnosis_free(d);
}

/* How many of the answer's fixes carry @line: a note is said once, not under every cause. */
static guint fixes_with(const MpaDiagnosis *d, const gchar *line)
{
	guint n = 0;

	for (guint i = 0; i < d->causes->len; i++)
		if (strstr(fix_at(d, i), line) != NULL)
			n++;
	return n;
}

static void test_notes_once(void)
{
	MpaFailure f = { S, MPA_STAGE_CONNECT, N0, "can't connect to SMTP server: smtp.example.net:25", NULL, 0, NULL };
	MpaFailure g = { S, MPA_STAGE_TLS, MPA_NET_CLOSED, NULL, NULL, 0, NULL, 465 };
	MpaDiagnosis *d;

	d = mpa_diagnose(NULL, &f, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "connection-refused");
	g_assert_true(has_cause(d, "timeout", 1)); /* a second cause the port-25 line would fit */
	g_assert_nonnull(strstr(fix_at(d, 0), "Port 25 is meant for servers"));
	g_assert_cmpuint(fixes_with(d, "Port 25 is meant for servers"), ==, 1);
	mpa_diagnosis_free(d);
	d = mpa_diagnose(NULL, &f, "zh_CN");
	g_assert_cmpuint(fixes_with(d, "25"), ==, 1);
	mpa_diagnosis_free(d);
	/* the security-vs-port line too: a hang-up and a handshake failure both fit it */
	g.has_security = TRUE;
	g.security = MPA_SECURITY_STARTTLS;
	d = mpa_diagnose(NULL, &g, "en");
	g_assert_true(has_cause(d, "tls-handshake-failed", 1));
	g_assert_nonnull(strstr(fix_at(d, 0), "Port 465 expects SSL/TLS"));
	g_assert_cmpuint(fixes_with(d, "Port 465 expects SSL/TLS"), ==, 1);
	mpa_diagnosis_free(d);
}

/* Tencent's "use the authorization code" also comes, now and then, with the right code: over IMAP
 * as over SMTP, at QQ Mail and at Exmail, a passing failure stays among the candidates. */
static void test_tencent_code_any_protocol(void)
{
	static const struct {
		const gchar *provider;
		MpaProtocol protocol;
		const gchar *reply;
	} t[] = {
		{ "qq.com", S, "535 Login Fail. Please enter your authorization code to login." },
		{ "qq.com", I, "a1 NO Please use your authorization code to login." },
		{ "qq.com", I, "a1 NO 请使用授权码登录" },
		{ "exmail.qq.com", I, "a1 NO Please use your authorization code to login." },
		{ "exmail.qq.com", S, "535 请使用客户端专用密码登录" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(t); i++) {
		MpaFailure f = { t[i].protocol, AUTH, N0, t[i].reply, NULL, 0, NULL };
		MpaDiagnosis *d = mpa_diagnose(mpa_db_get(db, t[i].provider), &f, "en");

		g_test_message("%s %s", t[i].provider, t[i].reply);
		g_assert_cmpstr(cause_at(d, 0), ==, "app-password-required");
		g_assert_true(has_cause(d, "temporary-failure", 1));
		g_assert_true(d->from_provider_rule);
		mpa_diagnosis_free(d);
	}
}

/* A provider text written for sending ("NetEase is limiting how much you send") is not the
 * explanation of a login block: every shipped file, at the login stage, gets a login wording;
 * at the send stage the provider's own text stays. */
static void test_stage_titles(void)
{
	GPtrArray *all = mpa_db_providers(db); /* owned by the database */
	MpaFailure login = { I, AUTH, N0, "a1 NO [UNAVAILABLE] too many failed logins", NULL, 0, NULL };
	MpaFailure send = { S, SEND, N0, "550 too many messages today", NULL, 0, NULL };
	guint send_only = 0;

	g_assert_cmpuint(all->len, >, 10);
	for (guint i = 0; i < all->len; i++) {
		const MpaProvider *p = g_ptr_array_index(all, i);
		const MpaCauseFix *fix = p->causes != NULL ? mpa_provider_cause(p, "rate-limited") : NULL;
		MpaDiagnosis *d = mpa_diagnose(p, &login, "en");
		const MpaExplanation *e = NULL;

		for (guint k = 0; k < d->causes->len; k++)
			if (strcmp(cause_at(d, k), "rate-limited") == 0)
				e = g_ptr_array_index(d->causes, k);
		g_assert_nonnull(e);
		g_test_message("%s: %s", p->id, e->title);
		/* a title about sending must also be about logins */
		if (g_regex_match_simple("\\bsend", e->title, G_REGEX_CASELESS, 0))
			g_assert_true(g_regex_match_simple("log ?in|attempt", e->title, G_REGEX_CASELESS, 0));
		mpa_diagnosis_free(d);
		if (fix != NULL && fix->stage == MPA_STAGE_SEND) {
			send_only++;
			d = mpa_diagnose(p, &send, "en");
			g_assert_cmpstr(cause_at(d, 0), ==, "rate-limited");
			g_assert_cmpstr(title_at(d, 0), ==, mpa_text_get_lang(fix->title, "en"));
			mpa_diagnosis_free(d);
		}
	}
	/* NetEase, Gmail, iCloud, Outlook.com, Sohu... */
	g_assert_cmpuint(send_only, >=, 6);
}

static void test_bye_before_no(void)
{
	/* the check hands over the verdict lines; the same parser reads them on both sides */
	static const gchar raw[] = "* BYE [UNAVAILABLE] busy\r\nA1 NO [ALERT] go away\r\n";
	MpaProtoResult r = { 0 };
	g_autofree gchar *code = mpa_reply_imap_code(raw);
	MpaDiagnosis *d;

	g_assert_cmpstr(code, ==, "UNAVAILABLE");
	r.protocol = MPA_PROTOCOL_IMAP;
	r.stage = MPA_STAGE_AUTH;
	r.outcome = MPA_OUTCOME_FAILED;
	r.reply = (gchar *)raw;
	r.imap_code = code;
	d = mpa_diagnose_result(NULL, &r, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "temporary-failure");
	mpa_diagnosis_free(d);
	/* and without a parsed code the diagnosis reads the same one */
	r.imap_code = NULL;
	d = mpa_diagnose_result(NULL, &r, "en");
	g_assert_cmpstr(cause_at(d, 0), ==, "temporary-failure");
	mpa_diagnosis_free(d);
}

static void test_explicit_code(void)
{
	/* a code given by the caller counts even when the text has none */
	MpaFailure f = { I, AUTH, N0, "a1 NO something", "LIMIT", 0, NULL };
	MpaFailure s = { S, AUTH, N0, "rejected", NULL, 534, NULL };
	MpaDiagnosis *d = mpa_diagnose(NULL, &f, "en");
	MpaDiagnosis *e = mpa_diagnose(NULL, &s, "en");

	g_assert_cmpstr(cause_at(d, 0), ==, "rate-limited");
	g_assert_cmpstr(cause_at(e, 0), ==, "app-password-required");
	mpa_diagnosis_free(d);
	mpa_diagnosis_free(e);
}

int main(int argc, char **argv)
{
	const gchar *localedir = g_getenv("MPA_LOCALEDIR");
	int ret;

	setlocale(LC_ALL, "");
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	if (localedir != NULL)
		bindtextdomain(GETTEXT_PACKAGE, localedir);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");

	tmpdir = g_dir_make_tmp("test-diagnose-XXXXXX", NULL);
	g_assert_nonnull(tmpdir);
	app_provider = load_inline("apptest.example", app_body, NULL);
	plain_app_provider = load_inline("plainapptest.example", plain_app_body, NULL);
	oauth_provider = load_inline("oauthtest.example", oauth_body, NULL);
	login_provider = load_inline("logintest.example", login_body, NULL);
	g_assert_nonnull(app_provider);
	g_assert_nonnull(plain_app_provider);
	g_assert_nonnull(oauth_provider);
	g_assert_nonnull(login_provider);

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *path = g_strdup_printf("/diagnose/reply/%02u-%s", i, cases[i].cause);

		g_test_add_data_func(path, &cases[i], check_case);
	}
	db = mpa_db_load_default(NULL, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(sohu_cases); i++) {
		g_autofree gchar *path = g_strdup_printf("/diagnose/sohu/%02u-%s", i, sohu_cases[i].cause);

		g_test_add_data_func(path, &sohu_cases[i], check_sohu);
	}
	g_test_add_func("/diagnose/sohu/texts", test_sohu_texts);
	g_test_add_func("/diagnose/gbk-equals-utf8", test_gbk_twin);
	g_test_add_func("/diagnose/unknown-shows-raw", test_unknown);
	g_test_add_func("/diagnose/imap/bye-before-no", test_bye_before_no);
	g_test_add_func("/diagnose/notes/port-security-servers", test_port_notes);
	g_test_add_func("/diagnose/notes/once", test_notes_once);
	g_test_add_func("/diagnose/provider/stage-titles", test_stage_titles);
	g_test_add_func("/diagnose/provider/tencent-code-any-protocol", test_tencent_code_any_protocol);
	g_test_add_func("/diagnose/provider/rule-wins", test_provider_rule_wins);
	g_test_add_func("/diagnose/provider/catch-all", test_provider_catch_all);
	g_test_add_func("/diagnose/provider/texts", test_provider_texts);
	g_test_add_func("/diagnose/provider/validator", test_validator);
	g_test_add_func("/diagnose/lang/explicit", test_explicit_lang);
	g_test_add_func("/diagnose/lang/locale-zh", test_locale_zh);
	g_test_add_func("/diagnose/lang/every-cause", test_every_cause_translated);
	g_test_add_func("/diagnose/result", test_diagnose_result);
	g_test_add_func("/diagnose/explicit-code", test_explicit_code);
	g_test_add_func("/diagnose/parse/smtp", test_parse_smtp);
	g_test_add_func("/diagnose/parse/imap", test_parse_imap);
	ret = g_test_run();

	mpa_db_free(db);
	mpa_provider_free(app_provider);
	mpa_provider_free(plain_app_provider);
	mpa_provider_free(oauth_provider);
	mpa_provider_free(login_provider);
	g_free(tmpdir);
	return ret;
}
