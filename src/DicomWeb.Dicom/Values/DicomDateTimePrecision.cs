namespace DicomWeb.Dicom;

/// <summary>
/// The last component present in a DA, TM or DT value (PS3.5 §6.2). Trailing components that are omitted
/// ("null components") make the value cover a whole span: "2001" is the whole year, "1010" a whole minute.
/// Members are ordered from coarsest to finest.
/// </summary>
public enum DicomDateTimePrecision
{
    /// <summary>Only the year is given (DT "YYYY").</summary>
    Year,

    /// <summary>Year and month (DT "YYYYMM").</summary>
    Month,

    /// <summary>A whole day (DA, or DT "YYYYMMDD").</summary>
    Day,

    /// <summary>A whole hour (TM "HH").</summary>
    Hour,

    /// <summary>A whole minute (TM "HHMM").</summary>
    Minute,

    /// <summary>A whole second (TM "HHMMSS").</summary>
    Second,

    /// <summary>A fractional second of 1 to 6 digits (TM "HHMMSS.F").</summary>
    Fraction,
}
