namespace DicomWeb.Dicom.Tests.Values;

public class DicomTimeTests
{
    [Fact]
    public void ParsesStandardExampleWithFraction()
    {
        // PS3.5 Table 6.2-1: "070907.0705" represents 7 hours, 9 minutes and 7.0705 seconds.
        var time = DicomTime.Parse("070907.0705 ");
        Assert.Equal(7, time.Hour);
        Assert.Equal(9, time.Minute);
        Assert.Equal(7, time.Second);
        Assert.Equal(70500, time.Microsecond);
        Assert.Equal(4, time.FractionDigits);
        Assert.Equal(DicomDateTimePrecision.Fraction, time.Precision);
        Assert.Equal("070907.0705", time.ToString());
        Assert.Equal(new TimeOnly(7, 9, 7, 70, 500), time.Earliest);
        Assert.Equal(new TimeOnly(7, 9, 7, 70, 599), time.Latest);
    }

    [Fact]
    public void ParsesStandardExampleHoursAndMinutes()
    {
        // PS3.5 Table 6.2-1: "1010" represents 10 hours and 10 minutes.
        var time = DicomTime.Parse("1010");
        Assert.Equal(DicomDateTimePrecision.Minute, time.Precision);
        Assert.Equal(new TimeOnly(10, 10, 0), time.Earliest);
        Assert.Equal(new TimeOnly(10, 10, 59, 999, 999), time.Latest);
        Assert.Equal("1010", time.ToString());
    }

    [Theory]
    [InlineData("10", DicomDateTimePrecision.Hour, "10:00:00.000000", "10:59:59.999999")]
    [InlineData("00", DicomDateTimePrecision.Hour, "00:00:00.000000", "00:59:59.999999")]
    [InlineData("23", DicomDateTimePrecision.Hour, "23:00:00.000000", "23:59:59.999999")]
    [InlineData("1010", DicomDateTimePrecision.Minute, "10:10:00.000000", "10:10:59.999999")]
    [InlineData("101010", DicomDateTimePrecision.Second, "10:10:10.000000", "10:10:10.999999")]
    [InlineData("101010.1", DicomDateTimePrecision.Fraction, "10:10:10.100000", "10:10:10.199999")]
    [InlineData("101010.12", DicomDateTimePrecision.Fraction, "10:10:10.120000", "10:10:10.129999")]
    [InlineData("101010.123", DicomDateTimePrecision.Fraction, "10:10:10.123000", "10:10:10.123999")]
    [InlineData("101010.123456", DicomDateTimePrecision.Fraction, "10:10:10.123456", "10:10:10.123456")]
    [InlineData("235959.999999", DicomDateTimePrecision.Fraction, "23:59:59.999999", "23:59:59.999999")]
    [InlineData("000000", DicomDateTimePrecision.Second, "00:00:00.000000", "00:00:00.999999")]
    public void PrecisionDeterminesTheSpanCovered(string text, DicomDateTimePrecision precision, string earliest, string latest)
    {
        var time = DicomTime.Parse(text);
        Assert.Equal(precision, time.Precision);
        Assert.Equal(earliest, time.Earliest.ToString("HH:mm:ss.ffffff"));
        Assert.Equal(latest, time.Latest.ToString("HH:mm:ss.ffffff"));
        Assert.Equal(text, time.ToString());
    }

    [Theory]
    [InlineData("07:09:07.0705", "070907.0705")]
    [InlineData("07:09:07", "070907")]
    [InlineData("07:09", "0709")]
    [InlineData("23:59:59.999999", "235959.999999")]
    public void ToleratesRetiredColonForm(string text, string canonical)
    {
        Assert.True(DicomTime.TryParse(text, out var time));
        Assert.Equal(canonical, time.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("021")] // PS3.5: "021" is an invalid value
    [InlineData("1")]
    [InlineData("10101")]
    [InlineData("1010101")]
    [InlineData("24")] // midnight is "00", not "24"
    [InlineData("2400")]
    [InlineData("240000")]
    [InlineData("1060")]
    [InlineData("101061")]
    [InlineData("101010.")]
    [InlineData("101010.1234567")]
    [InlineData("1010.5")]
    [InlineData("10.5")]
    [InlineData("10:10:10:10")]
    [InlineData("10:1010")]
    [InlineData("1010:10")]
    [InlineData("10:")]
    [InlineData("10:10:")]
    [InlineData("10 10")]
    [InlineData("1a10")]
    [InlineData("-1010")]
    [InlineData("101010.12a")]
    [InlineData("101010+0100")]
    public void RejectsMalformed(string text)
    {
        Assert.False(DicomTime.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomTime.Parse(text));
    }

    [Fact]
    public void LeapSecondFoldsOntoEndOfMinute()
    {
        var time = DicomTime.Parse("235960");
        Assert.Equal(60, time.Second);
        Assert.Equal("235960", time.ToString());
        Assert.Equal(new TimeOnly(23, 59, 59, 999, 999), time.Earliest);
        Assert.Equal(new TimeOnly(23, 59, 59, 999, 999), time.Latest);
    }

    [Fact]
    public void ConstructorsProduceCanonicalText()
    {
        Assert.Equal("101010", new DicomTime(10, 10, 10).ToString());
        Assert.Equal("101010.123456", new DicomTime(new TimeOnly(10, 10, 10, 123, 456)).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new DicomTime(24, 0, 0));
    }

    [Fact]
    public void EqualityRespectsPrecision()
    {
        Assert.NotEqual(DicomTime.Parse("10"), DicomTime.Parse("1000"));
        Assert.Equal(DicomTime.Parse("1000"), DicomTime.Parse("10:00"));
        Assert.True(DicomTime.Parse("10").CompareTo(DicomTime.Parse("1000")) > 0); // same start, covers more
        Assert.True(DicomTime.Parse("0959").CompareTo(DicomTime.Parse("10")) < 0);
    }

    [Fact]
    public void ContainsChecksTheCoveredSpan()
    {
        var time = DicomTime.Parse("10");
        Assert.True(time.Contains(new TimeOnly(10, 59, 59)));
        Assert.False(time.Contains(new TimeOnly(11, 0)));
        Assert.False(time.Contains(new TimeOnly(9, 59, 59)));
    }

    [Fact]
    public void DefaultIsMidnightHour()
    {
        var time = default(DicomTime);
        Assert.Equal(DicomDateTimePrecision.Hour, time.Precision);
        Assert.Equal("00", time.ToString());
    }
}
