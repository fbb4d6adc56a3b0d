"""zjtx-site: 高新技术企业专精特新诊断规划 (T/GZHTEA003-2024) as a reviewable pipeline."""

__version__ = "0.1.0"
