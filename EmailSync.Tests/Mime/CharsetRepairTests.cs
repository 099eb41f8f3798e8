using System.Text;
using EmailSync.Core.Mime;

namespace EmailSync.Tests.Mime;

public sealed class CharsetRepairTests
{
    [Fact]
    public void Decode_UsesDeclaredCharset_WhenKnown()
    {
        var bytes = Encoding.Latin1.GetBytes("Añadir café");

        Assert.Equal("Añadir café", CharsetRepair.Decode(bytes, "iso-8859-1", out var warning));
        Assert.Null(warning);
    }

    [Theory]
    [InlineData("utf8")]
    [InlineData("UTF-8")]
    [InlineData("\"utf-8\"")]
    public void Decode_UnderstandsUtf8Aliases(string label)
    {
        Assert.Equal("ação", CharsetRepair.Decode(Encoding.UTF8.GetBytes("ação"), label, out var warning));
        Assert.Null(warning);
    }

    [Fact]
    public void Decode_LegacyCodePages_Work()
    {
        var shiftJis = CharsetRepair.TryGetEncoding("shift_jis")!;
        var bytes = shiftJis.GetBytes("契約の更新");

        Assert.Equal("契約の更新", CharsetRepair.Decode(bytes, "Shift_JIS", out _));
        Assert.Equal("€", CharsetRepair.Decode([0x80], "cp1252", out _));
    }

    [Fact]
    public void Decode_UnlabelledEightBit_PrefersUtf8ThenWindows1252()
    {
        Assert.Equal("ñ", CharsetRepair.Decode(Encoding.UTF8.GetBytes("ñ"), null, out var none));
        Assert.Null(none);
        Assert.Equal("ñ", CharsetRepair.Decode([0xF1], "us-ascii", out var repaired));
        Assert.NotNull(repaired);
    }

    [Fact]
    public void Decode_Utf7IsTreatedAsUnknown()
    {
        Assert.Null(CharsetRepair.TryGetEncoding("utf-7"));
    }

    [Fact]
    public void Decode_ByteOrderMarkWins()
    {
        Assert.Equal("olá", CharsetRepair.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("olá")], "iso-8859-1", out _));
    }
}
