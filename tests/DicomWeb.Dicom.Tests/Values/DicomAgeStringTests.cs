namespace DicomWeb.Dicom.Tests.Values;

public class DicomAgeStringTests
{
    [Theory]
    [InlineData("018M", 18, DicomAgeUnit.Months)]
    [InlineData("003W", 3, DicomAgeUnit.Weeks)]
    [InlineData("010D", 10, DicomAgeUnit.Days)]
    [InlineData("045Y", 45, DicomAgeUnit.Years)]
    [InlineData("000D", 0, DicomAgeUnit.Days)]
    [InlineData("999Y", 999, DicomAgeUnit.Years)]
    public void ParsesAndRoundTrips(string text, int value, DicomAgeUnit unit)
    {
        Assert.True(DicomAgeString.TryParse(text, out var age));
        Assert.Equal(value, age.Value);
        Assert.Equal(unit, age.Unit);
        Assert.Equal(text, age.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("18M")]
    [InlineData("0018M")]
    [InlineData("018")]
    [InlineData("018m")]
    [InlineData("018X")]
    [InlineData("-18Y")]
    [InlineData("01 Y")]
    [InlineData("M018")]
    public void RejectsMalformed(string text)
    {
        Assert.False(DicomAgeString.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomAgeString.Parse(text));
    }

    [Fact]
    public void IgnoresPadding() => Assert.Equal(new DicomAgeString(45, DicomAgeUnit.Years), DicomAgeString.Parse("045Y "));

    [Fact]
    public void OrdersByApproximateAge()
    {
        var ages = new[] { "002Y", "018M", "010D", "003W", "001Y", "008D" }.Select(t => DicomAgeString.Parse(t)).Order().Select(a => a.ToString());
        Assert.Equal(["008D", "010D", "003W", "001Y", "018M", "002Y"], ages);
        Assert.Equal(7 * 3, DicomAgeString.Parse("003W").ApproximateDays);
    }

    [Fact]
    public void ConstructorValidates()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DicomAgeString(1000, DicomAgeUnit.Years));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DicomAgeString(-1, DicomAgeUnit.Years));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DicomAgeString(1, (DicomAgeUnit)9));
    }
}
