namespace DicomWeb.Dicom.Tests.Values;

public class DicomDateTimeTests
{
    private static DateTime At(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0, int us = 0) =>
        new(y, mo, d, h, mi, s, ms, us);

    [Fact]
    public void ParsesFullValueWithOffset()
    {
        var value = DicomDateTime.Parse("20010105103045.123456+0900");
        Assert.Equal(2001, value.Year);
        Assert.Equal(1, value.Month);
        Assert.Equal(5, value.Day);
        Assert.Equal(10, value.Hour);
        Assert.Equal(30, value.Minute);
        Assert.Equal(45, value.Second);
        Assert.Equal(123456, value.Microsecond);
        Assert.Equal(6, value.FractionDigits);
        Assert.Equal(DicomDateTimePrecision.Fraction, value.Precision);
        Assert.Equal(TimeSpan.FromHours(9), value.Offset);
        Assert.Equal(At(2001, 1, 5, 10, 30, 45, 123, 456), value.Earliest);
        Assert.Equal(value.Earliest, value.Latest);
        Assert.Equal(new DateTimeOffset(At(2001, 1, 5, 1, 30, 45, 123, 456), TimeSpan.Zero), value.GetEarliest());
        Assert.Equal("20010105103045.123456+0900", value.ToString());
    }

    [Theory]
    [InlineData("2001", DicomDateTimePrecision.Year)]
    [InlineData("200102", DicomDateTimePrecision.Month)]
    [InlineData("20010205", DicomDateTimePrecision.Day)]
    [InlineData("2001020510", DicomDateTimePrecision.Hour)]
    [InlineData("200102051030", DicomDateTimePrecision.Minute)]
    [InlineData("20010205103015", DicomDateTimePrecision.Second)]
    [InlineData("20010205103015.5", DicomDateTimePrecision.Fraction)]
    [InlineData("2001-0500", DicomDateTimePrecision.Year)]
    [InlineData("200102+1400", DicomDateTimePrecision.Month)]
    [InlineData("20010205-1200", DicomDateTimePrecision.Day)]
    [InlineData("20010205103015.000001+0000", DicomDateTimePrecision.Fraction)]
    public void RecordsPrecisionAndRoundTrips(string text, DicomDateTimePrecision precision)
    {
        Assert.True(DicomDateTime.TryParse(text, out var value));
        Assert.Equal(precision, value.Precision);
        Assert.Equal(text, value.ToString());
    }

    [Fact]
    public void YearCoversTheWholeYear()
    {
        var value = DicomDateTime.Parse("2001");
        Assert.Equal(At(2001, 1, 1), value.Earliest);
        Assert.Equal(At(2001, 12, 31, 23, 59, 59, 999, 999), value.Latest);
        Assert.Null(value.Offset);
        Assert.Equal(1, value.Month);
        Assert.Equal(1, value.Day);
    }

    [Theory]
    [InlineData("200102", 2001, 2, 28)]
    [InlineData("200002", 2000, 2, 29)]
    [InlineData("190002", 1900, 2, 28)]
    [InlineData("200104", 2001, 4, 30)]
    [InlineData("200112", 2001, 12, 31)]
    public void MonthCoversTheWholeMonth(string text, int year, int month, int lastDay)
    {
        var value = DicomDateTime.Parse(text);
        Assert.Equal(At(year, month, 1), value.Earliest);
        Assert.Equal(At(year, month, lastDay, 23, 59, 59, 999, 999), value.Latest);
    }

    [Theory]
    [InlineData("20010105", "2001-01-05T00:00:00.000000", "2001-01-05T23:59:59.999999")]
    [InlineData("2001010510", "2001-01-05T10:00:00.000000", "2001-01-05T10:59:59.999999")]
    [InlineData("200101051030", "2001-01-05T10:30:00.000000", "2001-01-05T10:30:59.999999")]
    [InlineData("20010105103015", "2001-01-05T10:30:15.000000", "2001-01-05T10:30:15.999999")]
    [InlineData("20010105103015.5", "2001-01-05T10:30:15.500000", "2001-01-05T10:30:15.599999")]
    [InlineData("20010105103015.05", "2001-01-05T10:30:15.050000", "2001-01-05T10:30:15.059999")]
    [InlineData("20011231235960", "2001-12-31T23:59:59.999999", "2001-12-31T23:59:59.999999")]
    [InlineData("9999", "9999-01-01T00:00:00.000000", "9999-12-31T23:59:59.999999")]
    [InlineData("0001", "0001-01-01T00:00:00.000000", "0001-12-31T23:59:59.999999")]
    public void PrecisionBoundaries(string text, string earliest, string latest)
    {
        var value = DicomDateTime.Parse(text);
        Assert.Equal(earliest, value.Earliest.ToString("yyyy-MM-ddTHH:mm:ss.ffffff"));
        Assert.Equal(latest, value.Latest.ToString("yyyy-MM-ddTHH:mm:ss.ffffff"));
    }

    [Theory]
    [InlineData("+0000", 0)]
    [InlineData("-0000", 0)]
    [InlineData("-0500", -300)]
    [InlineData("+0530", 330)]
    [InlineData("+0545", 345)]
    [InlineData("-1200", -720)]
    [InlineData("+1400", 840)]
    [InlineData("-0930", -570)]
    public void ParsesUtcOffsets(string suffix, int minutes)
    {
        var value = DicomDateTime.Parse("200101051030" + suffix);
        Assert.Equal(TimeSpan.FromMinutes(minutes), value.Offset);
        Assert.Equal(new DateTimeOffset(At(2001, 1, 5, 10, 30), TimeSpan.FromMinutes(minutes)), value.GetEarliest());
    }

    [Fact]
    public void OffsetsConvertToTheSameInstant()
    {
        // UTC offsets are "local time minus UTC": 10:00+0900 is 01:00Z, 20:00-0500 the previous day is 01:00Z.
        var tokyo = DicomDateTime.Parse("200101051000+0900");
        var newYork = DicomDateTime.Parse("200101042000-0500");
        Assert.Equal(tokyo.GetEarliest(), newYork.GetEarliest());
        Assert.Equal(new DateTimeOffset(2001, 1, 5, 1, 0, 0, TimeSpan.Zero), tokyo.GetEarliest().ToUniversalTime());
    }

    [Fact]
    public void DefaultOffsetAppliesOnlyWithoutOwnOffset()
    {
        var local = DicomDateTime.Parse("200101051000");
        var own = DicomDateTime.Parse("200101051000+0100");
        var est = TimeSpan.FromHours(-5);
        Assert.Equal(est, local.GetEarliest(est).Offset);
        Assert.Equal(TimeSpan.FromHours(1), own.GetEarliest(est).Offset);
        Assert.Equal(TimeSpan.Zero, local.GetEarliest().Offset);
    }

    [Fact]
    public void OffsetAtEndOfRepresentableRangeClampsInsteadOfThrowing()
    {
        Assert.Equal(DateTimeOffset.MaxValue, DicomDateTime.Parse("9999-1200").GetLatest());
        Assert.Equal(DateTimeOffset.MinValue, DicomDateTime.Parse("0001+1400").GetEarliest());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("200")]
    [InlineData("20010")]
    [InlineData("2001010")]
    [InlineData("200101051")]
    [InlineData("0000")]
    [InlineData("200113")]
    [InlineData("200100")]
    [InlineData("20010230")]
    [InlineData("20010100")]
    [InlineData("2001010524")]
    [InlineData("200101051060")]
    [InlineData("20010105101061")]
    [InlineData("20010105101010.")]
    [InlineData("20010105101010.1234567")]
    [InlineData("200101051010.5")] // a fraction needs seconds
    [InlineData("2001.5")]
    [InlineData("2001+01")]
    [InlineData("2001+010")]
    [InlineData("2001+01000")]
    [InlineData("2001+1401")]
    [InlineData("2001+1500")]
    [InlineData("2001-1201")]
    [InlineData("2001-1300")]
    [InlineData("2001+0060")]
    [InlineData("2001 0100")]
    [InlineData("2001*0100")]
    [InlineData("20010105 1010")]
    [InlineData("2001-01-05")]
    [InlineData("2001-01-05T10:10:10")]
    [InlineData("20010105101010+0100 x")]
    [InlineData("20010105:10:10")]
    public void RejectsMalformed(string text)
    {
        Assert.False(DicomDateTime.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomDateTime.Parse(text));
    }

    [Fact]
    public void CombinesDateAndTime()
    {
        var date = DicomDate.Parse("20010105");
        Assert.Equal("20010105", DicomDateTime.FromDateAndTime(date).ToString());
        Assert.Equal("200101051030", DicomDateTime.FromDateAndTime(date, DicomTime.Parse("1030")).ToString());
        Assert.Equal("20010105103015.25-0500",
            DicomDateTime.FromDateAndTime(date, DicomTime.Parse("103015.25"), TimeSpan.FromHours(-5)).ToString());
        var combined = DicomDateTime.FromDateAndTime(date, DicomTime.Parse("10"));
        Assert.Equal(DicomDateTimePrecision.Hour, combined.Precision);
        Assert.Equal(At(2001, 1, 5, 10, 59, 59, 999, 999), combined.Latest);
    }

    [Fact]
    public void ConstructsFromDateTime()
    {
        var value = new DicomDateTime(At(2001, 1, 5, 10, 30, 15, 123, 456), TimeSpan.FromHours(-5));
        Assert.Equal("20010105103015.123456-0500", value.ToString());
        Assert.Equal("20010105103015.000000+0100",
            new DicomDateTime(new DateTimeOffset(2001, 1, 5, 10, 30, 15, TimeSpan.FromHours(1))).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new DicomDateTime(DateTime.Now, TimeSpan.FromHours(15)));
    }

    [Fact]
    public void EqualityRespectsPrecisionAndOffset()
    {
        Assert.NotEqual(DicomDateTime.Parse("2001"), DicomDateTime.Parse("20010101"));
        Assert.NotEqual(DicomDateTime.Parse("2001"), DicomDateTime.Parse("2001+0000"));
        Assert.Equal(DicomDateTime.Parse("2001+0000"), DicomDateTime.Parse(" 2001+0000 "));
        Assert.True(DicomDateTime.Parse("200101") == DicomDateTime.Parse("200101"));
    }

    [Fact]
    public void ContainsUsesOffsets()
    {
        var day = DicomDateTime.Parse("20010105+0900");
        Assert.True(day.Contains(new DateTimeOffset(2001, 1, 4, 15, 0, 0, TimeSpan.Zero)));
        Assert.False(day.Contains(new DateTimeOffset(2001, 1, 5, 15, 0, 0, TimeSpan.Zero)));
    }
}
