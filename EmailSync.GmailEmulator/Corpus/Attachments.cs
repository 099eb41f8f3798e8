using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace EmailSync.GmailEmulator.Corpus;

/// <summary>Small, valid attachment files made deterministically from a seed: PDF invoices, PNG images, CSV and XLSX sheets.</summary>
public static class Attachments
{
    private static readonly DateTimeOffset FixedZipTime = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A one-page PDF invoice with real xref offsets.</summary>
    public static byte[] PdfInvoice(string company, string invoiceNumber, decimal amount, DateTimeOffset date)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"BT /F1 18 Tf 72 720 Td (INVOICE {invoiceNumber}) Tj ET\nBT /F1 12 Tf 72 690 Td (Bill to: {Escape(company)}) Tj ET\nBT /F1 12 Tf 72 670 Td (Date: {date:yyyy-MM-dd}) Tj ET\nBT /F1 12 Tf 72 650 Td (Amount due: USD {amount:F2}) Tj ET\nBT /F1 10 Tf 72 620 Td (Payment terms: net 30. Thank you for your business.) Tj ET\n");
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {Encoding.ASCII.GetByteCount(text)} >>\nstream\n{text}endstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var sb = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(sb.ToString()));
            sb.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.ASCII.GetByteCount(sb.ToString());
        sb.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{o:D10} 00000 n \n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static string Escape(string s) =>
        new string(s.Select(c => c > 126 ? '?' : c).ToArray()).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal);

    /// <summary>An RGB PNG (a "screenshot" thumbnail) with a seed-dependent pattern.</summary>
    public static byte[] Png(int seed, int width = 48, int height = 32)
    {
        var rng = new Random(seed);
        var (r0, g0, b0) = (rng.Next(256), rng.Next(256), rng.Next(256));
        var raw = new byte[(width * 3 + 1) * height];
        var k = 0;
        for (var y = 0; y < height; y++)
        {
            raw[k++] = 0;
            for (var x = 0; x < width; x++)
            {
                var bar = y < 6 ? 40 : ((x / 8 + y / 8) % 2 == 0 ? 255 : 230);
                raw[k++] = (byte)((r0 + bar + x) & 0xff);
                raw[k++] = (byte)((g0 + bar + y) & 0xff);
                raw[k++] = (byte)((b0 + bar) & 0xff);
            }
        }

        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        WriteBigEndian(ihdr, 0, width);
        WriteBigEndian(ihdr, 4, height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        Chunk(ms, "IHDR", ihdr);
        using (var z = new MemoryStream())
        {
            using (var zs = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true))
            {
                zs.Write(raw);
            }

            Chunk(ms, "IDAT", z.ToArray());
        }

        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        WriteBigEndian(len, 0, data.Length);
        s.Write(len);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        var crc = Crc32(typeBytes.Concat(data).ToArray());
        var c = new byte[4];
        WriteBigEndian(c, 0, unchecked((int)crc));
        s.Write(c);
    }

    private static void WriteBigEndian(byte[] b, int at, int v)
    {
        b[at] = (byte)(v >> 24);
        b[at + 1] = (byte)(v >> 16);
        b[at + 2] = (byte)(v >> 8);
        b[at + 3] = (byte)v;
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }

        return c;
    }).ToArray();

    private static uint Crc32(byte[] data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            c = CrcTable[(c ^ b) & 0xff] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFFu;
    }

    private static IEnumerable<string[]> UsageRows(int seed, DateTimeOffset end)
    {
        var rng = new Random(seed);
        var users = rng.Next(20, 400);
        for (var i = 11; i >= 0; i--)
        {
            users = Math.Max(1, users + rng.Next(-25, 30));
            yield return [end.AddDays(-7 * i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), users.ToString(CultureInfo.InvariantCulture), rng.Next(0, 40).ToString(CultureInfo.InvariantCulture), (rng.NextDouble() * 100).ToString("F1", CultureInfo.InvariantCulture)];
        }
    }

    private static readonly string[] UsageHeader = ["week", "active_users", "tickets", "adoption_pct"];

    public static byte[] Csv(int seed, DateTimeOffset end)
    {
        var sb = new StringBuilder(string.Join(',', UsageHeader)).Append("\r\n");
        foreach (var row in UsageRows(seed, end))
        {
            sb.Append(string.Join(',', row)).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>A minimal but valid Office Open XML workbook with one sheet of usage figures.</summary>
    public static byte[] Xlsx(int seed, DateTimeOffset end)
    {
        static string Cell(string col, int row, string value) =>
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? $"<c r=\"{col}{row}\"><v>{value}</v></c>"
                : $"<c r=\"{col}{row}\" t=\"inlineStr\"><is><t>{value}</t></is></c>";

        var rows = new StringBuilder();
        var all = new[] { UsageHeader }.Concat(UsageRows(seed, end)).ToArray();
        for (var r = 0; r < all.Length; r++)
        {
            rows.Append(CultureInfo.InvariantCulture, $"<row r=\"{r + 1}\">");
            for (var c = 0; c < all[r].Length; c++)
            {
                rows.Append(Cell(((char)('A' + c)).ToString(), r + 1, all[r][c]));
            }

            rows.Append("</row>");
        }

        var files = new (string Name, string Xml)[]
        {
            ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>"),
            ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Usage\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
            ("xl/worksheets/sheet1.xml", $"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData></worksheet>"),
        };
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, xml) in files)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
                entry.LastWriteTime = FixedZipTime;
                using var s = entry.Open();
                s.Write(Encoding.UTF8.GetBytes(xml));
            }
        }

        return ms.ToArray();
    }

    /// <summary>An iCalendar REQUEST for a meeting.</summary>
    public static string Ics(string uid, string summary, DateTimeOffset start, string organizer, IEnumerable<string> attendees)
    {
        var sb = new StringBuilder();
        sb.Append("BEGIN:VCALENDAR\r\nPRODID:-//EmailSync//Gmail Emulator//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"DTSTART:{start.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}\r\nDTEND:{start.AddMinutes(30).UtcDateTime:yyyyMMdd'T'HHmmss'Z'}\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"DTSTAMP:{start.AddDays(-2).UtcDateTime:yyyyMMdd'T'HHmmss'Z'}\r\nORGANIZER;CN={organizer}:mailto:{organizer}\r\nUID:{uid}\r\n");
        foreach (var a in attendees)
        {
            sb.Append(CultureInfo.InvariantCulture, $"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{a}\r\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"SUMMARY:{summary}\r\nSTATUS:CONFIRMED\r\nSEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        return sb.ToString();
    }
}
