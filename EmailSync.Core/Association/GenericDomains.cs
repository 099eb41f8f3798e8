namespace EmailSync.Core.Association;

/// <summary>
/// The maintained list of free-mail (generic) domains: many unrelated people share them, so they never
/// match a customer by domain — only an exact contact address does. Organizations add their own on top.
/// An entry ending in ".*" ("gmx.*") covers that provider under any country suffix (gmx.de, gmx.co.uk).
/// </summary>
public static class GenericDomains
{
    public static IReadOnlyList<string> BuiltIn { get; } =
    [
        // Global providers
        "gmail.com", "googlemail.com",
        "outlook.com", "hotmail.com", "live.com", "msn.com", "passport.com", "windowslive.com",
        "yahoo.com", "ymail.com", "rocketmail.com",
        "icloud.com", "me.com", "mac.com",
        "aol.com", "aim.com",
        "proton.me", "protonmail.com", "protonmail.ch", "pm.me",
        "zoho.com", "zohomail.com", "yandex.*", "ya.ru", "mail.com", "email.com", "gmx.*",
        "fastmail.com", "fastmail.fm", "tutanota.com", "tutanota.de", "tuta.io", "hey.com", "hushmail.com",
        "inbox.com", "lycos.com", "mailfence.com", "posteo.de", "posteo.net", "runbox.com",
        // National variants of the big providers
        "hotmail.es", "hotmail.fr", "hotmail.it", "hotmail.de", "hotmail.co.uk", "hotmail.com.br", "hotmail.com.ar", "hotmail.com.mx",
        "outlook.es", "outlook.fr", "outlook.it", "outlook.de", "outlook.com.br", "outlook.com.ar", "outlook.pt",
        "live.co.uk", "live.fr", "live.it", "live.de", "live.nl", "live.com.mx", "live.com.ar", "live.com.pt",
        "yahoo.es", "yahoo.fr", "yahoo.it", "yahoo.de", "yahoo.co.uk", "yahoo.co.jp", "yahoo.co.in", "yahoo.com.br",
        "yahoo.com.ar", "yahoo.com.mx", "yahoo.ca", "yahoo.com.au",
        // Europe
        "web.de", "t-online.de", "freenet.de", "arcor.de", "online.de",
        "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "neuf.fr",
        "libero.it", "virgilio.it", "alice.it", "tiscali.it", "tin.it",
        "telefonica.net", "terra.es",
        "sapo.pt",
        "btinternet.com", "sky.com", "virginmedia.com", "ntlworld.com", "talktalk.net",
        "ziggo.nl", "kpnmail.nl", "planet.nl", "home.nl", "telenet.be", "skynet.be",
        "bluewin.ch", "wp.pl", "o2.pl", "onet.pl", "interia.pl", "seznam.cz", "centrum.cz", "azet.sk",
        "mail.ru", "bk.ru", "inbox.ru", "list.ru", "rambler.ru", "ukr.net",
        // Latin America
        "uol.com.br", "bol.com.br", "terra.com.br", "ig.com.br", "globo.com", "globomail.com", "r7.com",
        "prodigy.net.mx", "speedy.com.ar", "fibertel.com.ar", "arnet.com.ar",
        // North America and Oceania
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "charter.net", "cox.net",
        "earthlink.net", "optonline.net", "shaw.ca", "rogers.com", "sympatico.ca", "bigpond.com", "optusnet.com.au",
        // Asia
        "qq.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "aliyun.com", "foxmail.com",
        "naver.com", "hanmail.net", "daum.net", "nate.com",
        "rediffmail.com",
    ];
}
