"""Plotly figure builders, one module per domain. They never import streamlit."""
