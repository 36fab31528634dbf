namespace DicomWeb.Dicom.Tests.Values;

public class DicomDateTests
{
    [Fact]
    public void ParsesStandardExample()
    {
        // PS3.5 Table 6.2-1: "19930822" would represent August 22, 1993.
        Assert.True(DicomDate.TryParse("19930822", out var date));
        Assert.Equal(1993, date.Year);
        Assert.Equal(8, date.Month);
        Assert.Equal(22, date.Day);
        Assert.Equal(new DateOnly(1993, 8, 22), date.Value);
        Assert.Equal(DicomDateTimePrecision.Day, date.Precision);
        Assert.Equal("19930822", date.ToString());
    }

    [Fact]
    public void ToleratesRetiredDottedForm()
    {
        Assert.True(DicomDate.TryParse("1993.08.22", out var date));
        Assert.Equal(new DicomDate(1993, 8, 22), date);
        Assert.Equal("19930822", date.ToString());
    }

    [Theory]
    [InlineData("20010105 ")]
    [InlineData(" 20010105")]
    [InlineData("20010105\0")]
    public void IgnoresPadding(string text)
    {
        Assert.Equal(new DicomDate(2001, 1, 5), DicomDate.Parse(text));
    }

    [Fact]
    public void CoversTheWholeDay()
    {
        var date = DicomDate.Parse("20010105");
        Assert.Equal(new DateTime(2001, 1, 5, 0, 0, 0), date.Earliest);
        Assert.Equal(new DateTime(2001, 1, 5, 23, 59, 59, 999, 999), date.Latest);
        Assert.True(date.Contains(new DateTime(2001, 1, 5, 23, 59, 59)));
        Assert.False(date.Contains(new DateTime(2001, 1, 6)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("2001")]
    [InlineData("200101")]
    [InlineData("2001010")]
    [InlineData("200101055")]
    [InlineData("20011301")]
    [InlineData("20010001")]
    [InlineData("20010100")]
    [InlineData("20010230")]
    [InlineData("20010229")] // 2001 is not a leap year
    [InlineData("19000229")]
    [InlineData("00000101")]
    [InlineData("2001-01-05")]
    [InlineData("2001.0105")]
    [InlineData("2001.01.5 ")]
    [InlineData("2001 0105")]
    [InlineData("2001O105")]
    [InlineData("２００１０１０５")] // full-width digits are not ASCII digits
    [InlineData("+2001010")]
    public void RejectsMalformed(string text)
    {
        Assert.False(DicomDate.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomDate.Parse(text));
    }

    [Theory]
    [InlineData("20000229")]
    [InlineData("20240229")]
    [InlineData("00010101")]
    [InlineData("99991231")]
    public void AcceptsBoundaryDates(string text)
    {
        Assert.True(DicomDate.TryParse(text, out var date));
        Assert.Equal(text, date.ToString());
    }

    [Fact]
    public void LatestOfLastRepresentableDayDoesNotOverflow()
    {
        var date = DicomDate.Parse("99991231");
        Assert.Equal(new DateTime(9999, 12, 31, 23, 59, 59, 999, 999), date.Latest);
    }

    [Fact]
    public void ComparesChronologically()
    {
        var a = DicomDate.Parse("20010105");
        var b = DicomDate.Parse("20010106");
        Assert.True(a < b);
        Assert.True(b >= a);
        Assert.Equal(-1, a.CompareTo(b));
        Assert.NotEqual(a, b);
        Assert.Equal(a, new DicomDate(new DateOnly(2001, 1, 5)));
    }
}
